"""The convolution layer configurations that scripts/conv_reference.py runs in PyTorch and
test_conv_layers.py replays in swiftgrad: (name, constructor, input shape, forward keyword
arguments, mode). Together they cover every constructor option that changes the computation:
kernel size, stride, padding (ints, tuples, 'same' with odd and even kernels, 'valid'), dilation,
groups (and depthwise), bias, the four padding modes, output_padding, output_size, unbatched input."""

CASES = [
    ("conv1d_basic", "nn.Conv1d(3, 4, 3)", (2, 3, 9), {}, "train"),
    ("conv1d_options", "nn.Conv1d(4, 6, 3, stride=2, padding=2, dilation=2, groups=2)", (2, 4, 11), {}, "eval"),
    ("conv1d_same_even", "nn.Conv1d(2, 3, 4, padding='same', bias=False)", (2, 2, 7), {}, "train"),
    ("conv1d_unbatched", "nn.Conv1d(2, 3, 2, padding=1)", (2, 6), {}, "train"),
    ("conv1d_circular", "nn.Conv1d(2, 2, 3, padding=2, padding_mode='circular')", (1, 2, 6), {}, "train"),
    ("conv2d_basic", "nn.Conv2d(3, 4, 3)", (2, 3, 6, 5), {}, "train"),
    ("conv2d_eval", "nn.Conv2d(3, 4, (3, 2), stride=(2, 1), padding=(1, 2))", (2, 3, 6, 5), {}, "eval"),
    ("conv2d_dilation_groups", "nn.Conv2d(4, 6, 3, dilation=(2, 1), groups=2, bias=False)", (2, 4, 7, 6), {}, "train"),
    ("conv2d_depthwise", "nn.Conv2d(3, 6, 3, padding=1, groups=3)", (2, 3, 5, 5), {}, "train"),
    ("conv2d_same", "nn.Conv2d(2, 3, (3, 4), padding='same', dilation=(2, 1))", (1, 2, 6, 7), {}, "train"),
    ("conv2d_valid", "nn.Conv2d(2, 3, 2, padding='valid')", (2, 2, 4, 4), {}, "eval"),
    ("conv2d_reflect", "nn.Conv2d(2, 3, 3, padding=1, padding_mode='reflect')", (2, 2, 5, 4), {}, "train"),
    ("conv2d_replicate", "nn.Conv2d(2, 3, 3, padding=(2, 1), padding_mode='replicate')", (2, 2, 5, 4), {}, "train"),
    ("conv2d_circular", "nn.Conv2d(2, 3, 3, padding=1, stride=2, padding_mode='circular')", (1, 2, 5, 6), {}, "eval"),
    ("conv2d_unbatched", "nn.Conv2d(2, 3, 3, padding=1)", (2, 4, 4), {}, "train"),
    ("conv3d_basic", "nn.Conv3d(2, 3, 2)", (2, 2, 3, 4, 3), {}, "train"),
    ("conv3d_options", "nn.Conv3d(4, 4, (2, 3, 1), stride=(1, 2, 1), padding=(1, 1, 0), dilation=(1, 1, 2), groups=2)", (1, 4, 3, 5, 4), {}, "eval"),
    ("conv3d_same_replicate", "nn.Conv3d(2, 2, 2, padding='same', padding_mode='replicate', bias=False)", (1, 2, 3, 3, 3), {}, "train"),
    ("convtranspose1d_basic", "nn.ConvTranspose1d(3, 4, 3)", (2, 3, 5), {}, "train"),
    ("convtranspose1d_options", "nn.ConvTranspose1d(4, 6, 3, stride=3, padding=1, output_padding=2, groups=2, dilation=2)", (2, 4, 4), {}, "eval"),
    ("convtranspose2d_basic", "nn.ConvTranspose2d(3, 2, 3, stride=2)", (2, 3, 3, 4), {}, "train"),
    ("convtranspose2d_output_size", "nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1, groups=2, bias=False)", (2, 2, 3, 3), {"output_size": [6, 5]}, "train"),
    ("convtranspose2d_unbatched", "nn.ConvTranspose2d(2, 3, (2, 3), stride=(1, 2), output_padding=(0, 1), dilation=(2, 1))", (2, 3, 3), {}, "eval"),
    ("convtranspose3d_basic", "nn.ConvTranspose3d(2, 2, 2, stride=(1, 2, 1), padding=(0, 1, 0))", (1, 2, 2, 3, 2), {}, "train"),
    ("unfold", "nn.Unfold((2, 3), dilation=(1, 2), padding=1, stride=(2, 1))", (2, 2, 5, 6), {}, "train"),
    ("fold", "nn.Fold((5, 4), (2, 2), dilation=(2, 1), padding=(1, 0), stride=(1, 2))", (2, 8, 10), {}, "eval"),
]
