import SwiftGrad

/// The table behind every `sg_tensor *`, `sg_function_ctx *`, `sg_optimizer *`,
/// `sg_tensor_dict *` and `sg_generator *`. A handle is not an address: it packs a tag, a slot index and the slot's
/// generation into a pointer-sized integer, and every lookup checks all three and the kind of
/// object, so NULL, garbage, freed, double-freed and wrong-kind handles are refused without ever
/// being dereferenced, even after their slot has been reused.
///
///     bits 63-56: 0xA5 tag   bits 55-32: generation (24 bits)   bits 31-0: slot index
///
/// A slot's generation advances on every free, so a stale handle stays invalid until the same
/// slot has been reused 2^24 times.
enum Handles {
    /// What a handle names; a handle of one kind is refused where another is expected.
    enum Kind: UInt8 {
        case tensor, functionContext, optimizer, tensorDict, generator

        init(of object: AnyObject) {
            switch object {
            case is Tensor: self = .tensor
            case is Optimizer: self = .optimizer
            case is TensorDictionary: self = .tensorDict
            case is Generator: self = .generator
            default: self = .functionContext
            }
        }

        var name: String {
            switch self {
            case .tensor: "tensor"
            case .functionContext: "function context"
            case .optimizer: "optimizer"
            case .tensorDict: "tensor dict"
            case .generator: "generator"
            }
        }
    }

    private struct Slot {
        var generation: UInt32
        var object: AnyObject?
        /// Checked instead of a dynamic cast.
        var kind: Kind
    }

    private struct Table {
        var slots: [Slot] = []
        var free: [UInt32] = []
    }

    private static let table = SpinLocked(Table())
    private static let tag: UInt = 0xA5
    private static let generationMask: UInt32 = 0xFF_FFFF

    /// A new handle owning a reference to `object` (a tensor, function context or optimizer).
    static func register(_ object: AnyObject) -> OpaquePointer {
        let kind = Kind(of: object)
        return table.withLock { table in
            let index: UInt32
            if let reused = table.free.popLast() {
                index = reused
                table.slots[Int(index)].object = object
                table.slots[Int(index)].kind = kind
            } else {
                index = UInt32(table.slots.count)
                table.slots.append(Slot(generation: 1, object: object, kind: kind))
            }
            let generation = UInt(table.slots[Int(index)].generation)
            return OpaquePointer(bitPattern: tag << 56 | generation << 32 | UInt(index))!
        }
    }

    /// The tensor a live handle names.
    /// - Throws: `ABIError` (SG_ERR_INVALID_HANDLE) naming the argument.
    static func tensor(_ handle: OpaquePointer?, _ argument: StaticString) throws -> Tensor {
        unsafeDowncast(try object(handle, argument, .tensor), to: Tensor.self)
    }

    /// The function context a live handle names.
    static func context(_ handle: OpaquePointer?, _ argument: StaticString) throws -> FunctionContext {
        unsafeDowncast(try object(handle, argument, .functionContext), to: FunctionContext.self)
    }

    /// The optimizer a live handle names.
    static func optimizer(_ handle: OpaquePointer?, _ argument: StaticString) throws -> Optimizer {
        unsafeDowncast(try object(handle, argument, .optimizer), to: Optimizer.self)
    }

    /// The generator a live handle names.
    static func generator(_ handle: OpaquePointer?, _ argument: StaticString) throws -> Generator {
        unsafeDowncast(try object(handle, argument, .generator), to: Generator.self)
    }

    /// The generator a handle names, or the default generator for NULL.
    static func generatorOrDefault(_ handle: OpaquePointer?, _ argument: StaticString) throws -> Generator {
        handle == nil ? Generator.default : try generator(handle, argument)
    }

    /// The tensor dictionary a live handle names.
    static func tensorDict(_ handle: OpaquePointer?, _ argument: StaticString) throws -> TensorDictionary {
        unsafeDowncast(try object(handle, argument, .tensorDict), to: TensorDictionary.self)
    }

    private static func object(_ handle: OpaquePointer?, _ argument: StaticString, _ kind: Kind) throws -> AnyObject {
        guard let handle else { throw ABIError.invalidHandle("argument '\(argument)' is NULL") }
        let found = table.withLock { table -> AnyObject? in
            guard let index = liveIndex(handle, kind, in: table) else { return nil }
            return table.slots[index].object
        }
        guard let found else { throw notLive(argument, kind) }
        return found
    }

    /// Releases a live handle of `kind`.
    /// - Throws: `ABIError` (SG_ERR_INVALID_HANDLE) for a handle that is not a live one of that kind.
    static func release(_ handle: OpaquePointer, _ kind: Kind = .tensor, _ argument: StaticString = "t") throws {
        // Drop the object outside the lock: a tensor's deinit may free a whole graph.
        let dropped: AnyObject? = table.withLock { table in
            guard let index = liveIndex(handle, kind, in: table) else { return nil }
            let object = table.slots[index].object.take()  // moved out: no retain and release
            var generation = (table.slots[index].generation &+ 1) & generationMask
            if generation == 0 { generation = 1 }
            table.slots[index].generation = generation
            table.free.append(UInt32(index))
            return object
        }
        guard dropped != nil else { throw notLive(argument, kind) }
    }

    /// The slot of a live handle of `kind`, or nil.
    private static func liveIndex(_ handle: OpaquePointer, _ kind: Kind, in table: Table) -> Int? {
        let bits = UInt(bitPattern: handle)
        guard bits >> 56 == tag else { return nil }
        let index = Int(bits & 0xFFFF_FFFF), generation = UInt32((bits >> 32) & UInt(generationMask))
        guard index < table.slots.count, table.slots[index].generation == generation,
              table.slots[index].object != nil, table.slots[index].kind == kind else { return nil }
        return index
    }

    private static func notLive(_ argument: StaticString, _ kind: Kind) -> ABIError {
        .invalidHandle("argument '\(argument)' is not a live \(kind.name) handle (already freed, or not made by swiftgrad)")
    }
}

extension Handles {
    /// Runs `body` with borrowed handles to `objects`, released afterwards (for callbacks).
    static func lending<R>(_ objects: [AnyObject], _ body: ([OpaquePointer?]) throws -> R) rethrows -> R {
        let handles = objects.map { Optional(register($0)) }
        defer {
            for (object, handle) in zip(objects, handles) {
                try? release(handle!, Kind(of: object))
            }
        }
        return try body(handles)
    }

    /// Takes over a handle a callback returned: the tensor it names, with the handle released.
    static func takeTensor(_ handle: OpaquePointer?, _ argument: StaticString) throws -> Tensor {
        let t = try tensor(handle, argument)
        try release(handle!)
        return t
    }
}
