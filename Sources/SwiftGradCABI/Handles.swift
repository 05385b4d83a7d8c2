import SwiftGrad

/// The table behind every `sg_tensor *` (and `sg_function_ctx *`). A handle is not an address: it packs a tag, a slot
/// index and the slot's generation into a pointer-sized integer, and every lookup checks all
/// three, so NULL, garbage, freed and double-freed handles are refused without ever being
/// dereferenced, even after their slot has been reused.
///
///     bits 63-56: 0xA5 tag   bits 55-32: generation (24 bits)   bits 31-0: slot index
///
/// A slot's generation advances on every free, so a stale handle stays invalid until the same
/// slot has been reused 2^24 times.
enum Handles {
    private struct Slot {
        var generation: UInt32
        var object: AnyObject?
        /// Whether `object` is a Tensor (else a FunctionContext): checked instead of a dynamic cast.
        var isTensor: Bool
    }

    private struct Table {
        var slots: [Slot] = []
        var free: [UInt32] = []
    }

    private static let table = Locked(Table())
    private static let tag: UInt = 0xA5
    private static let generationMask: UInt32 = 0xFF_FFFF

    /// A new handle owning a reference to `object` (a tensor or a function context).
    static func register(_ object: AnyObject) -> OpaquePointer {
        let isTensor = object is Tensor
        return table.withLock { table in
            let index: UInt32
            if let reused = table.free.popLast() {
                index = reused
                table.slots[Int(index)].object = object
                table.slots[Int(index)].isTensor = isTensor
            } else {
                index = UInt32(table.slots.count)
                table.slots.append(Slot(generation: 1, object: object, isTensor: isTensor))
            }
            let generation = UInt(table.slots[Int(index)].generation)
            return OpaquePointer(bitPattern: tag << 56 | generation << 32 | UInt(index))!
        }
    }

    /// The tensor a live handle names.
    /// - Throws: `ABIError` (SG_ERR_INVALID_HANDLE) naming the argument.
    static func tensor(_ handle: OpaquePointer?, _ argument: StaticString) throws -> Tensor {
        unsafeDowncast(try object(handle, argument, tensor: true), to: Tensor.self)
    }

    /// The function context a live handle names.
    static func context(_ handle: OpaquePointer?, _ argument: StaticString) throws -> FunctionContext {
        unsafeDowncast(try object(handle, argument, tensor: false), to: FunctionContext.self)
    }

    private static func object(_ handle: OpaquePointer?, _ argument: StaticString, tensor: Bool) throws -> AnyObject {
        guard let handle else { throw ABIError.invalidHandle("argument '\(argument)' is NULL") }
        let found = table.withLock { table -> AnyObject? in
            guard let (index, generation) = decode(handle), index < table.slots.count,
                  table.slots[index].generation == generation, table.slots[index].isTensor == tensor else { return nil }
            return table.slots[index].object
        }
        guard let found else {
            throw ABIError.invalidHandle(
                "argument '\(argument)' is not a live \(tensor ? "tensor" : "function context") handle (already freed, or not made by swiftgrad)")
        }
        return found
    }

    /// Releases a live handle.
    /// - Throws: `ABIError` (SG_ERR_INVALID_HANDLE) for a handle that is not live.
    static func release(_ handle: OpaquePointer) throws {
        // Drop the tensor outside the lock: its deinit may free a whole graph.
        let dropped: AnyObject? = table.withLock { table in
            guard let (index, generation) = decode(handle), index < table.slots.count,
                  table.slots[index].generation == generation,
                  let object = table.slots[index].object else { return nil }
            table.slots[index].object = nil
            table.slots[index].generation = (generation &+ 1) & generationMask
            if table.slots[index].generation == 0 { table.slots[index].generation = 1 }
            table.free.append(UInt32(index))
            return object
        }
        guard dropped != nil else {
            throw ABIError.invalidHandle("argument 't' is not a live tensor handle (already freed, or not made by swiftgrad)")
        }
    }

    private static func decode(_ handle: OpaquePointer) -> (index: Int, generation: UInt32)? {
        let bits = UInt(bitPattern: handle)
        guard bits >> 56 == tag else { return nil }
        return (Int(bits & 0xFFFF_FFFF), UInt32((bits >> 32) & UInt(generationMask)))
    }
}

extension Handles {
    /// Runs `body` with borrowed handles to `objects`, released afterwards (for callbacks).
    static func lending<R>(_ objects: [AnyObject], _ body: ([OpaquePointer?]) throws -> R) rethrows -> R {
        let handles = objects.map { Optional(register($0)) }
        defer { for case let h? in handles { try? release(h) } }
        return try body(handles)
    }

    /// Takes over a handle a callback returned: the tensor it names, with the handle released.
    static func takeTensor(_ handle: OpaquePointer?, _ argument: StaticString) throws -> Tensor {
        let t = try tensor(handle, argument)
        try release(handle!)
        return t
    }
}
