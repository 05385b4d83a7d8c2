import Synchronization
import SwiftGrad

/// The table behind every `sg_tensor *`. A handle is not an address: it packs a tag, a slot
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
        var tensor: Tensor?
    }

    private struct Table {
        var slots: [Slot] = []
        var free: [UInt32] = []
    }

    private static let table = Mutex(Table())
    private static let tag: UInt = 0xA5
    private static let generationMask: UInt32 = 0xFF_FFFF

    /// A new handle owning a reference to `tensor`.
    static func register(_ tensor: Tensor) -> OpaquePointer {
        table.withLock { table in
            let index: UInt32
            if let reused = table.free.popLast() {
                index = reused
                table.slots[Int(index)].tensor = tensor
            } else {
                index = UInt32(table.slots.count)
                table.slots.append(Slot(generation: 1, tensor: tensor))
            }
            let generation = UInt(table.slots[Int(index)].generation)
            return OpaquePointer(bitPattern: tag << 56 | generation << 32 | UInt(index))!
        }
    }

    /// The tensor a live handle names.
    /// - Throws: `ABIError` (SG_ERR_INVALID_HANDLE) naming the argument.
    static func tensor(_ handle: OpaquePointer?, _ argument: StaticString) throws -> Tensor {
        guard let handle else { throw ABIError.invalidHandle("argument '\(argument)' is NULL") }
        let tensor = table.withLock { table -> Tensor? in
            guard let (index, generation) = decode(handle), index < table.slots.count,
                  table.slots[index].generation == generation else { return nil }
            return table.slots[index].tensor
        }
        guard let tensor else {
            throw ABIError.invalidHandle(
                "argument '\(argument)' is not a live tensor handle (already freed, or not made by swiftgrad)")
        }
        return tensor
    }

    /// Releases a live handle.
    /// - Throws: `ABIError` (SG_ERR_INVALID_HANDLE) for a handle that is not live.
    static func release(_ handle: OpaquePointer) throws {
        // Drop the tensor outside the lock: its deinit may free a whole graph.
        let dropped: Tensor? = table.withLock { table in
            guard let (index, generation) = decode(handle), index < table.slots.count,
                  table.slots[index].generation == generation,
                  let tensor = table.slots[index].tensor else { return nil }
            table.slots[index].tensor = nil
            table.slots[index].generation = (generation &+ 1) & generationMask
            if table.slots[index].generation == 0 { table.slots[index].generation = 1 }
            table.free.append(UInt32(index))
            return tensor
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
