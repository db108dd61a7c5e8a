/// A Swift scalar type that has a fixed ``TensorDType`` and can be copied in and out of tensor bytes.
///
/// `UInt8`, `Int8`, `UInt16`, `Int16`, `UInt32`, `Int32`, `UInt64`, `Int64`, `Float` and `Double` conform.
public protocol TensorElement: BitwiseCopyable {
    /// The dtype elements of this type are stored as.
    static var tensorDType: TensorDType { get }
    /// The value with its bytes reversed (used only on big-endian hosts).
    var byteSwappedForTensor: Self { get }
}

extension UInt8: TensorElement {
    /// ``TensorDType/uint8``.
    public static var tensorDType: TensorDType { .uint8 }
    /// The value itself.
    public var byteSwappedForTensor: UInt8 { self }
}

extension Int8: TensorElement {
    /// ``TensorDType/int8``.
    public static var tensorDType: TensorDType { .int8 }
    /// The value itself.
    public var byteSwappedForTensor: Int8 { self }
}

extension UInt16: TensorElement {
    /// ``TensorDType/uint16``.
    public static var tensorDType: TensorDType { .uint16 }
    /// The value with its bytes reversed.
    public var byteSwappedForTensor: UInt16 { byteSwapped }
}

extension Int16: TensorElement {
    /// ``TensorDType/int16``.
    public static var tensorDType: TensorDType { .int16 }
    /// The value with its bytes reversed.
    public var byteSwappedForTensor: Int16 { byteSwapped }
}

extension UInt32: TensorElement {
    /// ``TensorDType/uint32``.
    public static var tensorDType: TensorDType { .uint32 }
    /// The value with its bytes reversed.
    public var byteSwappedForTensor: UInt32 { byteSwapped }
}

extension Int32: TensorElement {
    /// ``TensorDType/int32``.
    public static var tensorDType: TensorDType { .int32 }
    /// The value with its bytes reversed.
    public var byteSwappedForTensor: Int32 { byteSwapped }
}

extension UInt64: TensorElement {
    /// ``TensorDType/uint64``.
    public static var tensorDType: TensorDType { .uint64 }
    /// The value with its bytes reversed.
    public var byteSwappedForTensor: UInt64 { byteSwapped }
}

extension Int64: TensorElement {
    /// ``TensorDType/int64``.
    public static var tensorDType: TensorDType { .int64 }
    /// The value with its bytes reversed.
    public var byteSwappedForTensor: Int64 { byteSwapped }
}

extension Float: TensorElement {
    /// ``TensorDType/float32``.
    public static var tensorDType: TensorDType { .float32 }
    /// The value with its bytes reversed.
    public var byteSwappedForTensor: Float { Float(bitPattern: bitPattern.byteSwapped) }
}

extension Double: TensorElement {
    /// ``TensorDType/float64``.
    public static var tensorDType: TensorDType { .float64 }
    /// The value with its bytes reversed.
    public var byteSwappedForTensor: Double { Double(bitPattern: bitPattern.byteSwapped) }
}
