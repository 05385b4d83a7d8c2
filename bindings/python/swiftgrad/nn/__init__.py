"""swiftgrad.nn: torch.nn's Module, Parameter, layers and losses, and the functional interface."""
from . import functional  # noqa: F401
from . import init, utils  # noqa: F401 - torch.nn.init, torch.nn.utils
from .modules import *  # noqa: F401,F403
from .modules import __all__  # noqa: F401
from ._pooling import *  # noqa: F401,F403
from ._conv import *  # noqa: F401,F403

# torch.nn.LinearCrossEntropyOptions, also where PyTorch defines it
# (torch.nn.modules.linear_cross_entropy_options).
import types as _types  # noqa: E402

LinearCrossEntropyOptions = functional.LinearCrossEntropyOptions
modules.linear_cross_entropy_options = _types.SimpleNamespace(LinearCrossEntropyOptions=LinearCrossEntropyOptions)
from ._normalization import *  # noqa: F401,F403,E402 - the normalisation layers
from ._rnn import *  # noqa: F401,F403,E402 - RNN, LSTM, GRU and their cells
from ._lazy_layers import *  # noqa: F401,F403,E402 - LazyConv*, LazyConvTranspose*, LazyBatchNorm*, LazyInstanceNorm*
from ._transformer import *  # noqa: F401,F403,E402 - MultiheadAttention and the transformer layers
from ._ctc import *  # noqa: F401,F403,E402 - CTCLoss
from ._embedding_bag import *  # noqa: F401,F403,E402 - EmbeddingBag
from ._rest import *  # noqa: F401,F403,E402 - Dropout1d, FractionalMaxPool2d/3d, CrossMapLRN2d, AdaptiveLogSoftmaxWithLoss
from . import grad  # noqa: F401,E402 - torch.nn.grad: conv*_input, conv*_weight
from . import parallel  # noqa: F401,E402 - torch.nn.parallel.DistributedDataParallel
