import CSwiftGrad
import SwiftGrad

// Random generators (torch.Generator) over sg_generator handles. The random ops themselves take
// an sg_generator * (NULL: the default generator) and are generated from the op table.

@_cdecl("sg_generator_new") @implementation
public func sg_generator_new(_ seed: UInt64, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    guard let out else { return fail(SG_ERR_INVALID_ARGUMENT, "sg_generator_new: out must not be NULL") }
    out.pointee = nil
    return export("sg_generator_new") { out.pointee = Handles.register(Generator(seed: seed)) }
}

@_cdecl("sg_generator_default") @implementation
public func sg_generator_default(_ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    guard let out else { return fail(SG_ERR_INVALID_ARGUMENT, "sg_generator_default: out must not be NULL") }
    out.pointee = nil
    return export("sg_generator_default") { out.pointee = Handles.register(Generator.default) }
}

@_cdecl("sg_generator_free") @implementation
public func sg_generator_free(_ g: OpaquePointer?) -> sg_status {
    guard let g else { return SG_OK }
    return export("sg_generator_free") { try Handles.release(g, .generator, "g") }
}

@_cdecl("sg_generator_manual_seed") @implementation
public func sg_generator_manual_seed(_ g: OpaquePointer?, _ seed: UInt64) -> sg_status {
    export("sg_generator_manual_seed") { try Handles.generatorOrDefault(g, "g").manualSeed(seed) }
}

@_cdecl("sg_generator_seed") @implementation
public func sg_generator_seed(_ g: OpaquePointer?, _ out: UnsafeMutablePointer<UInt64>?) -> sg_status {
    exportValue("sg_generator_seed", out) { try Handles.generatorOrDefault(g, "g").seed() }
}

@_cdecl("sg_generator_initial_seed") @implementation
public func sg_generator_initial_seed(_ g: OpaquePointer?, _ out: UnsafeMutablePointer<UInt64>?) -> sg_status {
    exportValue("sg_generator_initial_seed", out) { try Handles.generatorOrDefault(g, "g").initialSeed }
}

@_cdecl("sg_generator_get_state") @implementation
public func sg_generator_get_state(_ g: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> sg_status {
    exportTensor("sg_generator_get_state", out) {
        try Tensor(try Handles.generatorOrDefault(g, "g").stateBytes, shape: [40])
    }
}

@_cdecl("sg_generator_set_state") @implementation
public func sg_generator_set_state(_ g: OpaquePointer?, _ state: OpaquePointer?) -> sg_status {
    export("sg_generator_set_state") {
        let generator = try Handles.generatorOrDefault(g, "g"), bytes = try Handles.tensor(state, "state")
        guard bytes.dtype == .uint8 else {
            throw SwiftGradError.dtype("expected a torch.ByteTensor, but got a tensor of \(bytes.dtype)")
        }
        try generator.setState(try bytes.contiguous().scalars(as: UInt8.self))
    }
}
