#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSwiftGrad
import SwiftGrad

/// Errors found by the export layer itself (bad handles and arguments); their messages are
/// prefixed with the C function's name. Errors from the core keep PyTorch's wording unprefixed.
struct ABIError: Error {
    let status: sg_status
    let message: String

    static func invalidHandle(_ message: String) -> ABIError { ABIError(status: SG_ERR_INVALID_HANDLE, message: message) }
    static func invalidArgument(_ message: String) -> ABIError { ABIError(status: SG_ERR_INVALID_ARGUMENT, message: message) }
}

/// The calling thread's last error message, a C string owned here and freed when replaced or
/// when the thread exits, and its status.
private final class ErrorSlot {
    var message: UnsafeMutablePointer<CChar>?
    var status = SG_OK
    /// Counts the errors recorded on this thread, so a caller can tell whether a callback set one.
    var generation = 0
    deinit { if message != messageLost { free(message) } }
}

private let errorSlot = ThreadLocal { ErrorSlot() }
private let noError = strdup("")!
private let messageLost = strdup("an error occurred, but there was no memory left to describe it")!

/// The message `sg_last_error()` returns on this thread.
var lastErrorPointer: UnsafePointer<CChar> {
    UnsafePointer(errorSlot.value.message ?? noError)
}

/// Records `message` as this thread's last error and returns `status`.
func fail(_ status: sg_status, _ message: String) -> sg_status {
    let slot = errorSlot.value
    if let old = slot.message, old != messageLost { free(old) }
    slot.message = strdup(message) ?? messageLost
    slot.status = status
    slot.generation &+= 1
    return status
}

/// The status `sg_last_status()` returns on this thread.
var lastStatus: sg_status { errorSlot.value.status }

/// Calls a C callback; a status other than SG_OK becomes a thrown error carrying that status and
/// the message the callback left (or, if it left none, one naming it).
func callC(_ what: String, _ body: () -> sg_status) throws {
    let before = errorSlot.value.generation
    let status = body()
    guard status != SG_OK else { return }
    let message = errorSlot.value.generation != before
        ? String(cString: lastErrorPointer)
        : "\(what) returned \(String(cString: sg_status_string(status)))"
    throw SwiftGradError(code: Int32(bitPattern: status.rawValue), message: message) ?? SwiftGradError.callback(message)
}

/// The one guard every export goes through: runs `body`, converting whatever it throws into a
/// status and this thread's last error. Nothing thrown escapes into C.
@inline(__always)
func export(_ name: StaticString, _ body: () throws -> Void) -> sg_status {
    do {
        try body()
        return SG_OK
    } catch let error as SwiftGradError {
        return fail(sg_status(rawValue: UInt32(error.code)), error.message)
    } catch let error as ABIError {
        return fail(error.status, "\(name): \(error.message)")
    } catch {
        return fail(SG_ERR_INTERNAL, "\(name): unexpected error \(error)")
    }
}

/// `export` for functions that return a new tensor handle through `out`: `*out` is NULL on
/// every failure and a new (+1) handle on success.
@inline(__always)
func exportTensor(_ name: StaticString, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                  _ body: () throws -> Tensor) -> sg_status {
    guard let out else { return fail(SG_ERR_INVALID_ARGUMENT, "\(name): out must not be NULL") }
    out.pointee = nil
    return export(name) { out.pointee = Handles.register(try body()) }
}

/// `export` for the returning forms (`sg_NAME_r`): the new (+1) handle, or nil on failure, with
/// the status recorded for `sg_last_status()` as `fail` records every failure's.
@inline(__always)
func exportReturning(_ name: StaticString, _ body: () throws -> Tensor) -> OpaquePointer? {
    var handle: OpaquePointer?
    return export(name) { handle = Handles.register(try body()) } == SG_OK ? handle : nil
}

/// `export` for functions that write one plain value through `out` (left untouched on failure).
@inline(__always)
func exportValue<T>(_ name: StaticString, _ out: UnsafeMutablePointer<T>?, _ body: () throws -> T) -> sg_status {
    guard let out else { return fail(SG_ERR_INVALID_ARGUMENT, "\(name): out must not be NULL") }
    return export(name) { out.pointee = try body() }
}

/// A dtype from C, validated.
func dtype(_ value: sg_dtype) throws -> DType {
    guard let d = DType(rawValue: Int32(bitPattern: value.rawValue)) else {
        throw ABIError.invalidArgument("unknown dtype \(Int32(bitPattern: value.rawValue))")
    }
    return d
}

/// A shape from C: at most SG_MAX_DIMS sizes, the pointer present when ndim > 0. The sizes
/// themselves are checked by the core (negative, overflowing).
func shape(_ pointer: UnsafePointer<Int64>?, _ ndim: Int, _ argument: StaticString = "shape") throws -> [Int] {
    guard ndim >= 0, ndim <= Int(SG_MAX_DIMS) else {
        throw ABIError.invalidArgument("\(argument) has \(UInt(bitPattern: ndim)) dimensions; at most \(SG_MAX_DIMS) are allowed")
    }
    if ndim == 0 { return [] }
    guard let pointer else { throw ABIError.invalidArgument("\(argument) is NULL but its length is \(ndim)") }
    return (0..<ndim).map { Int(pointer[$0]) }
}

/// Writes `text` into a caller's buffer, llama.h style (see "Strings" in swiftgrad.h).
func write(_ text: String, _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int,
           _ needed: UnsafeMutablePointer<Int>?) throws {
    guard size >= 0 else { throw ABIError.invalidArgument("buf_size \(UInt(bitPattern: size)) is too large") }
    guard size == 0 || buffer != nil else { throw ABIError.invalidArgument("buf is NULL but buf_size is \(size)") }
    let bytes = Array(text.utf8)
    needed?.pointee = bytes.count + 1
    guard let buffer, size > 0 else { return }
    let n = Swift.min(bytes.count, size - 1)
    for i in 0..<n { buffer[i] = CChar(bitPattern: bytes[i]) }
    buffer[n] = 0
}

/// An array of tensor handles from C. With `allowNull`, NULL entries become nil (sg_index's
/// "whole dimension"); otherwise every entry must be a live handle.
func tensors(_ pointer: UnsafePointer<OpaquePointer?>?, _ count: Int, _ argument: StaticString,
             allowNull: Bool = false) throws -> [Tensor?] {
    guard count >= 0, count <= 1 << 20 else {
        throw ABIError.invalidArgument("\(argument) count \(UInt(bitPattern: count)) is too large")
    }
    if count == 0 { return [] }
    guard let pointer else { throw ABIError.invalidArgument("\(argument) is NULL but its count is \(count)") }
    return try (0..<count).map { i in
        if allowNull && pointer[i] == nil { return nil }
        return try Handles.tensor(pointer[i], argument)
    }
}

/// A loss reduction from C, validated.
func reduction(_ value: sg_reduction) throws -> LossReduction {
    guard let r = LossReduction(rawValue: Int32(bitPattern: value.rawValue)) else {
        throw ABIError.invalidArgument("unknown reduction \(Int32(bitPattern: value.rawValue))")
    }
    return r
}

/// A required C string (UTF-8; invalid bytes become U+FFFD).
/// - Throws: `ABIError` (SG_ERR_INVALID_ARGUMENT) naming the argument when it is NULL.
func string(_ pointer: UnsafePointer<CChar>?, _ argument: StaticString) throws -> String {
    guard let pointer else { throw ABIError.invalidArgument("\(argument) is NULL") }
    return String(cString: pointer)
}

/// A list of dimensions from C (at most SG_MAX_DIMS of them).
func dims(_ pointer: UnsafePointer<Int64>?, _ count: Int) throws -> [Int] {
    try shape(pointer, count, "dims")
}

/// A list of integers from C that the rank does not bound (split sizes, split indices): at most
/// 2^20 of them, the pointer present when the count is not 0.
func ints(_ pointer: UnsafePointer<Int64>?, _ count: Int, _ argument: StaticString) throws -> [Int] {
    guard count >= 0, count <= 1 << 20 else {
        throw ABIError.invalidArgument("\(argument) has \(UInt(bitPattern: count)) entries; at most \(1 << 20) are allowed")
    }
    if count == 0 { return [] }
    guard let pointer else { throw ABIError.invalidArgument("\(argument) is NULL but its count is \(count)") }
    return (0..<count).map { Int(pointer[$0]) }
}

/// `export` for functions that return two new tensor handles (values and indices): both are NULL
/// on every failure, both new (+1) handles on success.
@inline(__always)
func exportTensorPair(_ name: StaticString, _ values: UnsafeMutablePointer<OpaquePointer?>?,
                      _ indices: UnsafeMutablePointer<OpaquePointer?>?, _ body: () throws -> ValuesAndIndices) -> sg_status {
    values?.pointee = nil
    indices?.pointee = nil
    guard let values, let indices else { return fail(SG_ERR_INVALID_ARGUMENT, "\(name): values and indices must not be NULL") }
    return export(name) {
        let result = try body()
        values.pointee = Handles.register(result.values)
        indices.pointee = Handles.register(result.indices)
    }
}

/// `export` for functions that return a variable number of new tensor handles (`sg_split`,
/// `sg_unbind`, ...) through `outs[capacity]` and `*count`. On success `*count` is the number of
/// results and `outs[0..<count]` are new (+1) handles. When `capacity` is too small the call
/// fails with SG_ERR_INVALID_ARGUMENT and `*count` says how many there would be, so that a
/// caller can retry; on every failure no entry of `outs` is written.
@inline(__always)
func exportTensorList(_ name: StaticString, _ outs: UnsafeMutablePointer<OpaquePointer?>?, _ capacity: Int,
                      _ count: UnsafeMutablePointer<Int>?, _ body: () throws -> [Tensor]) -> sg_status {
    guard let count else { return fail(SG_ERR_INVALID_ARGUMENT, "\(name): count must not be NULL") }
    guard capacity >= 0, capacity <= 1 << 20 else {
        return fail(SG_ERR_INVALID_ARGUMENT, "\(name): capacity \(UInt(bitPattern: capacity)) is too large")
    }
    guard capacity == 0 || outs != nil else {
        return fail(SG_ERR_INVALID_ARGUMENT, "\(name): outs is NULL but capacity is \(capacity)")
    }
    return export(name) {
        let results = try body()
        count.pointee = results.count
        guard results.count <= capacity else {
            throw ABIError.invalidArgument("capacity \(capacity) is less than the \(results.count) results")
        }
        for (i, t) in results.enumerated() { outs![i] = Handles.register(t) }
    }
}
