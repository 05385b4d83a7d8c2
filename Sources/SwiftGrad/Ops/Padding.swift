/// Padding and the rearrangements of `torch.nn.functional`: constant_pad_nd, pad's reflect,
/// replicate and circular modes, pixel_shuffle, pixel_unshuffle, channel_shuffle. Each is one
/// node under PyTorch's name, its body other differentiable ops (narrow and cat; indexing by a
/// computed index, whose backward adds the gradient of repeated positions; reshape and permute).

/// How `pad` fills beyond the edges (PyTorch's `mode=`, constant apart).
public enum PaddingMode: Int32, Sendable {
    case reflect = 0, replicate = 1, circular = 2
}

extension Tensor {
    /// This tensor, or a copy when it shares `input`'s storage: a rearrangement that is one node
    /// returns a new tensor, as PyTorch's do, never a view its node does not describe.
    fileprivate func ownStorage(apartFrom input: Tensor) throws -> Tensor {
        storage === input.storage ? try clone() : self
    }

    /// Checks a pad list (`[left, right]` pairs from the last dimension backwards).
    private func checkPadLength(_ pad: [Int]) throws {
        guard pad.count % 2 == 0 else {
            throw SwiftGradError.invalidArgument("Length of pad must be even but instead it equals \(pad.count)")
        }
        guard pad.count / 2 <= ndim else {
            throw SwiftGradError.invalidArgument("Length of pad should be no more than twice the number of dimensions of the input. Pad length is \(pad.count) while the input has \(ndim) dimensions.")
        }
    }

    /// Pads with `value` (`torch.constant_pad_nd`, `F.pad` in constant mode,
    /// ConstantPadNdBackward0): `pad` holds (left, right) pairs from the last dimension
    /// backwards; negative entries crop.
    /// - Throws: `.invalidArgument` for an odd or too long pad list, or a negative result size.
    public func constantPadNd(pad: [Int], value: Double = 0) throws -> Tensor {
        try checkPadLength(pad)
        var sizes = shape
        for k in 0..<(pad.count / 2) {
            let d = ndim - 1 - k
            guard pad[2 * k] >= -shape[d], pad[2 * k + 1] >= -shape[d] else {
                throw SwiftGradError.invalidArgument("The input size \(shape[d]), plus negative padding \(pad[2 * k]) and \(pad[2 * k + 1]) resulted in a negative output size, which is invalid. Check dimension \(d) of your input.")
            }
            let (grown, overflow) = shape[d].addingReportingOverflow(pad[2 * k])
            let (total, overflow2) = grown.addingReportingOverflow(pad[2 * k + 1])
            guard !overflow, !overflow2, total >= 0 else {
                throw SwiftGradError.invalidArgument("The input size \(shape[d]), plus negative padding \(pad[2 * k]) and \(pad[2 * k + 1]) resulted in a negative output size, which is invalid. Check dimension \(d) of your input.")
            }
            sizes[d] = total
        }
        _ = try Shape.validate(sizes, itemSize: dtype.itemSize)
        let rank = ndim, type = dtype
        return try Tensor.composite("ConstantPadNdBackward0", [self]) { xs in
            var x = xs[0], grown = false
            for k in 0..<(pad.count / 2) {
                let d = rank - 1 - k
                var left = pad[2 * k], right = pad[2 * k + 1]
                if left < 0 { x = try x.narrow(dim: d, start: -left, length: x.shape[d] + left); left = 0 }
                if right < 0 { x = try x.narrow(dim: d, start: 0, length: x.shape[d] + right); right = 0 }
                guard left > 0 || right > 0 else { continue }
                var parts: [Tensor] = []
                var block = x.shape
                if left > 0 { block[d] = left; parts.append(try Tensor.full(block, value, dtype: type)) }
                parts.append(x)
                if right > 0 { block[d] = right; parts.append(try Tensor.full(block, value, dtype: type)) }
                x = try Tensor.cat(parts, dim: d)
                grown = true
            }
            // A new tensor, as PyTorch's: never the input itself or a view of it.
            return grown ? x : try x.clone()
        }
    }

    /// `pad(_:mode:)` with the mode as its C code (0 reflect, 1 replicate, 2 circular).
    /// - Throws: `.invalidArgument` for another code.
    public func pad(_ pad: [Int], modeCode: Int) throws -> Tensor {
        guard let code = Int32(exactly: modeCode), let mode = PaddingMode(rawValue: code) else {
            throw SwiftGradError.invalidArgument("pad: unknown padding mode \(modeCode); expected 0 (reflect), 1 (replicate) or 2 (circular)")
        }
        return try self.pad(pad, mode: mode)
    }

    /// Pads the last `pad.count / 2` dimensions by reflection (without repeating the edge),
    /// replication of the edge, or wrapping around (`F.pad` in those modes;
    /// ReflectionPad{1,2,3}DBackward0, ReplicationPad{1,2,3}DBackward0). As PyTorch, it takes 1,
    /// 2 or 3 padded dimensions on an input of one or two more (batched or not); negative
    /// entries crop (replicate, circular).
    /// - Throws: `.invalidArgument` for a pad list of the wrong length for the input, reflect
    ///   padding not smaller than its dimension, circular padding larger than its dimension, or
    ///   an empty result.
    public func pad(_ pad: [Int], mode: PaddingMode) throws -> Tensor {
        guard dtype.isFloatingPoint || mode == .circular else {
            throw SwiftGradError.dtype("\"\(mode == .reflect ? "reflection_pad" : "replication_pad")\" not implemented for '\(dtype.scalarTypeName)'")
        }
        guard pad.count % 2 == 0 else { throw SwiftGradError.invalidArgument("Padding length must be divisible by 2") }
        guard pad.count / 2 <= ndim else {
            throw SwiftGradError.invalidArgument("Padding length should be less than or equal to two times the input dimension but got padding length \(pad.count) and input of dimension \(ndim)")
        }
        let padded = pad.count / 2
        guard (1...3).contains(padded), ndim == padded + 1 || ndim == padded + 2 else {
            throw SwiftGradError.invalidArgument("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now")
        }
        var indices: [(dim: Int, index: Tensor)] = []
        for k in 0..<padded {
            let d = ndim - 1 - k, n = shape[d], left = pad[2 * k], right = pad[2 * k + 1]
            guard left >= -n, right >= -n else {
                throw SwiftGradError.invalidArgument("Negative padding (\(left), \(right)) at dimension \(d) larger than the input size \(n)")
            }
            switch mode {
            case .reflect:
                guard left < n, right < n else {
                    throw SwiftGradError.invalidArgument("Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (\(left), \(right)) at dimension \(d) of input \(Shape.describe(shape))")
                }
            case .circular:
                guard left <= n, right <= n else {
                    throw SwiftGradError.invalidArgument("Padding value causes wrapping around more than once.")
                }
            case .replicate: break
            }
            let (grown, overflow) = n.addingReportingOverflow(left)
            let (total, overflow2) = grown.addingReportingOverflow(right)
            guard !overflow, !overflow2, total > 0 || (total == 0 && mode == .circular), n > 0 || total == 0 else {
                throw SwiftGradError.invalidArgument("input (size \(n) at dimension \(d)) is too small for padding (\(left), \(right)): calculated output size \(total)")
            }
            let kept = n - Swift.max(-left, 0) - Swift.max(-right, 0)
            if mode == .circular && total > 0 && kept <= 0 {
                throw SwiftGradError.invalidArgument("Negative padding value is resulting in an empty dimension.")
            }
            let index = try Tensor.empty([total], .int64)  // allocated as a tensor: a huge size throws
            let positions = index.pointer(Int64.self)
            for o in 0..<total {
                let s = o - left
                switch mode {
                case .reflect: positions[o] = Int64(s < 0 ? -s : (s >= n ? 2 * (n - 1) - s : s))
                case .replicate: positions[o] = Int64(Swift.min(Swift.max(s, 0), n - 1))
                case .circular:
                    // As PyTorch: the input cropped by any negative padding, wrapped around.
                    let r = ((o - Swift.max(left, 0)) % kept + kept) % kept
                    positions[o] = Int64(Swift.max(-left, 0) + r)
                }
            }
            indices.append((d, index))
        }
        let body: ([Tensor]) throws -> Tensor = { xs in
            var x = xs[0]
            for (d, index) in indices {
                x = try x.index([Tensor?](repeating: nil, count: d) + [index])
            }
            return x
        }
        switch mode {
        case .reflect: return try Tensor.composite("ReflectionPad\(padded)DBackward0", [self], body)
        case .replicate: return try Tensor.composite("ReplicationPad\(padded)DBackward0", [self], body)
        case .circular: return try body([self])
        }
    }

    /// Rearranges [*, C r^2, H, W] into [*, C, H r, W r] (`F.pixel_shuffle`,
    /// PixelShuffleBackward0).
    /// - Throws: `.shape` for fewer than 3 dimensions or channels not divisible by r^2;
    ///   `.invalidArgument` for a factor below 1.
    public func pixelShuffle(upscaleFactor r: Int) throws -> Tensor {
        guard ndim >= 3 else {
            throw SwiftGradError.shape("pixel_shuffle expects input to have at least 3 dimensions, but got input with \(ndim) dimension(s)")
        }
        guard r > 0 else { throw SwiftGradError.invalidArgument("pixel_shuffle expects a positive upscale_factor, but got \(r)") }
        let (square, overflow) = r.multipliedReportingOverflow(by: r)
        let c = shape[ndim - 3], h = shape[ndim - 2], w = shape[ndim - 1]
        guard !overflow, c % square == 0 else {
            throw SwiftGradError.shape("pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=\(c) is not divisible by \(overflow ? 0 : square)")
        }
        let batch = Array(shape.dropLast(3)), b = batch.count
        let (height, o1) = h.multipliedReportingOverflow(by: r), (width, o2) = w.multipliedReportingOverflow(by: r)
        guard !o1, !o2 else { throw SwiftGradError.invalidArgument("pixel_shuffle: the output size overflows") }
        _ = try Shape.validate(batch + [c / square, height, width], itemSize: dtype.itemSize)
        return try Tensor.composite("PixelShuffleBackward0", [self]) { xs in
            let split = try xs[0].reshape(batch + [c / square, r, r, h, w])
            let order = Array(0..<b) + [b, b + 3, b + 1, b + 4, b + 2]
            return try split.permute(order).reshape(batch + [c / square, h * r, w * r]).ownStorage(apartFrom: xs[0])
        }
    }

    /// Rearranges [*, C, H r, W r] into [*, C r^2, H, W], the inverse of pixel_shuffle
    /// (`F.pixel_unshuffle`, PixelUnshuffleBackward0).
    /// - Throws: `.shape` for fewer than 3 dimensions or a height or width not divisible by r;
    ///   `.invalidArgument` for a factor below 1.
    public func pixelUnshuffle(downscaleFactor r: Int) throws -> Tensor {
        guard ndim >= 3 else {
            throw SwiftGradError.shape("pixel_unshuffle expects input to have at least 3 dimensions, but got input with \(ndim) dimension(s)")
        }
        guard r > 0 else { throw SwiftGradError.invalidArgument("pixel_unshuffle expects a positive downscale_factor, but got \(r)") }
        let c = shape[ndim - 3], h = shape[ndim - 2], w = shape[ndim - 1]
        guard h % r == 0 else {
            throw SwiftGradError.shape("pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)=\(h) is not divisible by \(r)")
        }
        guard w % r == 0 else {
            throw SwiftGradError.shape("pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)=\(w) is not divisible by \(r)")
        }
        let batch = Array(shape.dropLast(3)), b = batch.count
        let (square, o1) = r.multipliedReportingOverflow(by: r)
        let (channels, o2) = c.multipliedReportingOverflow(by: square)
        guard !o1, !o2 else { throw SwiftGradError.invalidArgument("pixel_unshuffle: the output size overflows") }
        _ = try Shape.validate(batch + [channels, h / r, w / r], itemSize: dtype.itemSize)
        return try Tensor.composite("PixelUnshuffleBackward0", [self]) { xs in
            let split = try xs[0].reshape(batch + [c, h / r, r, w / r, r])
            let order = Array(0..<b) + [b, b + 2, b + 4, b + 1, b + 3]
            return try split.permute(order).reshape(batch + [c * r * r, h / r, w / r]).ownStorage(apartFrom: xs[0])
        }
    }

    /// Splits the C channels of [N, C, *] into `groups` and interleaves them (channel c of group
    /// g goes to c * groups + g) (`F.channel_shuffle`, ChannelShuffleBackward0).
    /// - Throws: `.shape` for fewer than 3 dimensions or channels not divisible by groups;
    ///   `.invalidArgument` for groups below 1.
    public func channelShuffle(groups: Int) throws -> Tensor {
        guard ndim >= 3 else {
            throw SwiftGradError.shape("channel_shuffle expects input to have at least 3 dimensions, but got input with \(ndim) dimension(s)")
        }
        guard groups > 0 else {
            throw SwiftGradError.invalidArgument("Number of groups to divide channels in must be positive. Value of groups:\(groups)")
        }
        let c = shape[1]
        guard c % groups == 0 else {
            throw SwiftGradError.shape("Number of channels must be divisible by groups. Got \(c) channels and \(groups) groups.")
        }
        let n = shape[0], rest = Array(shape.dropFirst(2)), full = shape
        return try Tensor.composite("ChannelShuffleBackward0", [self]) { xs in
            try xs[0].reshape([n, groups, c / groups] + rest).transpose(1, 2).reshape(full).ownStorage(apartFrom: xs[0])
        }
    }
}
