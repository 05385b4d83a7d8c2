#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SwiftGradVector

/// The pointwise half of an LSTM step in one kernel and one graph node (PyTorch fuses the same
/// part in `_thnn_fused_lstm_cell`): from the summed gate pre-activations `[..., 4H]` (input,
/// forget, cell, output, PyTorch's order) and the cell state `[..., H]`,
///
///     i, f, o = sigmoid(gates_i, gates_f, gates_o)    g = tanh(gates_g)
///     c' = f * c + i * g                              h' = o * tanh(c')
///
/// nn.LSTM runs it once per time step instead of ten recorded ops (whose per-op cost was most
/// of a small LSTM's time). The backward is one kernel too; under create_graph it is the same
/// formula in recorded ops, so gradients of gradients work.
extension Tensor {
    /// `(h', c')` of an LSTM step from its gate pre-activations and cell state (`FusedLstmCellBackward0`).
    /// - Throws: `.shape` unless `gates` is `[..., 4H]` and `cell` `[..., H]` with the same
    ///   leading sizes; `.dtype` unless both have one floating dtype.
    public func lstmCellFused(cell c: Tensor) throws -> ValuesAndIndices {
        let gates = self
        guard gates.ndim >= 1, c.ndim == gates.ndim, Array(gates.shape.dropLast()) == Array(c.shape.dropLast()),
              gates.shape[gates.ndim - 1] == 4 &* c.shape[c.ndim - 1] else {
            throw SwiftGradError.shape("lstm_cell: gates of shape \(gates.shape) and cell state of shape \(c.shape) do not match (gates must be [..., 4H] for a cell state [..., H])")
        }
        guard gates.dtype.isFloatingPoint, gates.dtype == c.dtype else {
            throw SwiftGradError.dtype("lstm_cell: gates and cell state must have one floating dtype, not \(gates.dtype.scalarTypeName) and \(c.dtype.scalarTypeName)")
        }
        let (h, cNew, activations, tanhC) = try noGrad { try LstmCellKernels.forward(gates, c) }
        let outputs = try Tensor.recordOutputs("FusedLstmCellBackward0", inputs: [gates, c], outputs: [h, cNew],
                                               saving: [gates, c, activations, tanhC]) { grads, ctx in
            let gh = try grads[0] ?? Tensor.zeros(h.shape, dtype: h.dtype)
            let gc = try grads[1] ?? Tensor.zeros(cNew.shape, dtype: cNew.dtype)
            if GradMode.isEnabled {
                return try LstmCellKernels.recordedBackward(gh, gc, gates: ctx.saved(0), cell: ctx.saved(1))
            }
            let (gGates, gCell) = try LstmCellKernels.backward(gh, gc, cell: ctx.saved(1),
                                                                activations: ctx.saved(2), tanhC: ctx.saved(3))
            return [gGates, gCell]
        }
        return ValuesAndIndices(values: outputs[0], indices: outputs[1])
    }
}

enum LstmCellKernels {
    /// h', c', the activated gates (i, f, g, o) and tanh(c'), as new contiguous tensors.
    static func forward(_ gates: Tensor, _ c: Tensor) throws -> (Tensor, Tensor, Tensor, Tensor) {
        let dtype = gates.dtype
        guard dtype == .float32 || dtype == .float64 else {
            let r = try forward(gates.to(.float32, recording: false), c.to(.float32, recording: false))
            return (try r.0.to(dtype, recording: false), try r.1.to(dtype, recording: false), r.2, r.3)
        }
        let g = try gates.contiguous(), cc = try c.contiguous()
        let H = c.shape[c.ndim - 1], rows = H == 0 ? 0 : c.count / H
        let h = try Tensor.empty(c.shape, dtype), cNew = try Tensor.empty(c.shape, dtype)
        let act = try Tensor.empty(gates.shape, dtype), tanhC = try Tensor.empty(c.shape, dtype)
        func run<T: FloatElement>(_: T.Type) {
            let pg = g.pointer(T.self) + g.storageOffset, pc = cc.pointer(T.self) + cc.storageOffset
            let ph = h.pointer(T.self), pn = cNew.pointer(T.self), pa = act.pointer(T.self), pt = tanhC.pointer(T.self)
            Parallel.forRanges(rows &* H) { range in
                for k in range {
                    let row = (k / H) &* 4 &* H
                    (pn[k], pt[k], ph[k]) = unit(UnsafePointer(pg + row), pa + row, H, k % H, pc[k])
                }
            }
        }
        if dtype == .float32 { runLanes() } else { run(Double.self) }
        return (h, cNew, act, tanhC)

        /// float32: eight hidden units at a time through the vectorised sigmoid and tanh (libm's
        /// tanhf was a fifth of a small LSTM's time), the last H mod 8 one at a time.
        func runLanes() {
            typealias V = VectorMath
            let pg = g.pointer(Float.self) + g.storageOffset, pc = cc.pointer(Float.self) + cc.storageOffset
            let ph = h.pointer(Float.self), pn = cNew.pointer(Float.self), pa = act.pointer(Float.self), pt = tanhC.pointer(Float.self)
            Parallel.forRanges(rows) { range in
                for r in range {
                    let gr = UnsafePointer(pg + r &* 4 &* H), ar = pa + r &* 4 &* H, k0 = r &* H
                    var j = 0
                    while j &+ 8 <= H {
                        let i = V.sigmoid(V.load(gr + j)), f = V.sigmoid(V.load(gr + (H &+ j)))
                        let gg = V.tanh(V.load(gr + (2 &* H &+ j))), o = V.sigmoid(V.load(gr + (3 &* H &+ j)))
                        let next = f * V.load(pc + (k0 &+ j)) + i * gg
                        let t = V.tanh(next)
                        V.store(i, ar + j); V.store(f, ar + (H &+ j)); V.store(gg, ar + (2 &* H &+ j)); V.store(o, ar + (3 &* H &+ j))
                        V.store(next, pn + (k0 &+ j))
                        V.store(t, pt + (k0 &+ j))
                        V.store(o * t, ph + (k0 &+ j))
                        j &+= 8
                    }
                    while j < H {
                        let k = k0 &+ j
                        (pn[k], pt[k], ph[k]) = unit(gr, ar, H, j, pc[k])
                        j &+= 1
                    }
                }
            }
        }
    }

    /// Hidden unit j of one row, from the row's 4H gate pre-activations `g` and its cell state
    /// `c`: writes the activated gates into the row's `a` and returns (c', tanh c', h').
    @inline(__always)
    private static func unit<T: FloatElement>(_ g: UnsafePointer<T>, _ a: UnsafeMutablePointer<T>, _ H: Int, _ j: Int,
                                             _ c: T) -> (T, T, T) {
        let sigmoid = FloatMap<SigmoidKernel, T>()
        let i = sigmoid(g[j]), f = sigmoid(g[H &+ j]), gg = T.tanh(g[2 &* H &+ j]), o = sigmoid(g[3 &* H &+ j])
        let next = f * c + i * gg, t = T.tanh(next)
        a[j] = i; a[H &+ j] = f; a[2 &* H &+ j] = gg; a[3 &* H &+ j] = o
        return (next, t, o * t)
    }

    /// The gradients of the gates' pre-activations and of the cell state, given those of h' and c'.
    static func backward(_ gh: Tensor, _ gc: Tensor, cell c: Tensor, activations act: Tensor, tanhC: Tensor) throws -> (Tensor, Tensor) {
        let dtype = act.dtype, inputDtype = c.dtype
        let gh = try gh.to(dtype, recording: false).expand(c.shape).contiguous()
        let gc = try gc.to(dtype, recording: false).expand(c.shape).contiguous()
        let c = try c.to(dtype, recording: false).contiguous()
        let H = c.shape[c.ndim - 1], rows = H == 0 ? 0 : c.count / H
        let gGates = try Tensor.empty(act.shape, dtype), gCell = try Tensor.empty(c.shape, dtype)
        func run<T: FloatElement>(_: T.Type) {
            let pgh = gh.pointer(T.self) + gh.storageOffset, pgc = gc.pointer(T.self) + gc.storageOffset
            let pc = c.pointer(T.self) + c.storageOffset, pa = act.pointer(T.self), pt = tanhC.pointer(T.self)
            let pgg = gGates.pointer(T.self), pgcell = gCell.pointer(T.self)
            Parallel.forRanges(rows &* H) { range in
                for k in range {
                    let r = k / H, j = k % H, base = r &* 4 &* H &+ j
                    let i = pa[base], f = pa[base &+ H], g = pa[base &+ 2 &* H], o = pa[base &+ 3 &* H]
                    let t = pt[k], dh = pgh[k]
                    let dc = pgc[k] + dh * o * (1 - t * t)
                    pgg[base] = dc * g * (1 - i) * i
                    pgg[base &+ H] = dc * pc[k] * (1 - f) * f
                    pgg[base &+ 2 &* H] = dc * i * (1 - g * g)
                    pgg[base &+ 3 &* H] = dh * t * (1 - o) * o
                    pgcell[k] = dc * f
                }
            }
        }
        if dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return (try gGates.to(inputDtype, recording: false), try gCell.to(inputDtype, recording: false))
    }

    /// The same gradients in recorded ops, from the saved inputs (for create_graph).
    static func recordedBackward(_ gh: Tensor, _ gc: Tensor, gates: Tensor, cell c: Tensor) throws -> [Tensor?] {
        let parts = try gates.chunk(4, dim: -1)
        let i = try parts[0].sigmoid(), f = try parts[1].sigmoid(), g = try parts[2].tanh(), o = try parts[3].sigmoid()
        let t = try f.mul(c).add(i.mul(g)).tanh()
        let dc = try gc.add(gh.mul(o).mul(t.mul(t).rsub(1)))
        let gGates = try Tensor.cat([dc.mul(g).mul(i.rsub(1)).mul(i), dc.mul(c).mul(f.rsub(1)).mul(f),
                                     dc.mul(i).mul(g.mul(g).rsub(1)), gh.mul(t).mul(o.rsub(1)).mul(o)], dim: -1)
        return [gGates, try dc.mul(f)]
    }
}
