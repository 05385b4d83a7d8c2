/// The one error type the core throws. Each case maps one-to-one to a C status code
/// (`SG_ERR_INVALID_ARGUMENT` ... `SG_ERR_FORMAT`), the way swift-system's `Errno` maps C codes;
/// the associated string is the message, in PyTorch's words where PyTorch has them.
public enum SwiftGradError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A bad size, dimension, step, value or missing argument.
    case invalidArgument(String)
    /// A handle that does not name a live object (raised by the C export layer).
    case invalidHandle(String)
    /// Shapes that do not broadcast or do not fit the operation.
    case shape(String)
    /// A dtype the operation does not accept.
    case dtype(String)
    /// Autograd misuse: implicit gradient of a non-scalar, second backward through freed saved
    /// values, requires_grad on integers, in-place modification of something autograd needs.
    case autograd(String)
    /// An allocation failed.
    case outOfMemory(String)
    /// A broken invariant inside swiftgrad.
    case `internal`(String)
    /// A user callback (hook, custom function, function given to gradcheck) failed.
    case callback(String)
    /// A file could not be opened, read or written (the message carries the system's reason).
    case io(String)
    /// Data that is not in the expected format (a corrupt or truncated safetensors file).
    case format(String)

    /// The message without the case name, as shown to users.
    public var message: String {
        switch self {
        case .invalidArgument(let m), .invalidHandle(let m), .shape(let m), .dtype(let m),
             .autograd(let m), .outOfMemory(let m), .internal(let m), .callback(let m), .io(let m), .format(let m):
            return m
        }
    }

    /// The numeric code shared with the C ABI's `sg_status`.
    public var code: Int32 {
        switch self {
        case .invalidArgument: return 1
        case .invalidHandle: return 2
        case .shape: return 3
        case .dtype: return 4
        case .autograd: return 5
        case .outOfMemory: return 6
        case .internal: return 7
        case .callback: return 8
        case .io: return 9
        case .format: return 10
        }
    }

    public var description: String { message }

    /// The error for a C status code (1...10) and message; nil for SG_OK or an unknown code.
    public init?(code: Int32, message: String) {
        switch code {
        case 1: self = .invalidArgument(message)
        case 2: self = .invalidHandle(message)
        case 3: self = .shape(message)
        case 4: self = .dtype(message)
        case 5: self = .autograd(message)
        case 6: self = .outOfMemory(message)
        case 7: self = .internal(message)
        case 8: self = .callback(message)
        case 9: self = .io(message)
        case 10: self = .format(message)
        default: return nil
        }
    }
}
