/// The element type of a tensor, as safetensors names it.
///
/// The cases are declared in the order of safetensors' own `Dtype` enum (0.8), which is the order its writer
/// sorts tensors by (descending, then by name), so ``serializationRank`` reproduces that order exactly.
/// Sub-byte types (`F4`, `F6_*`) are not supported.
///
/// ```swift
/// TensorDType(safetensorsName: "I32")  // .int32
/// TensorDType.uint16.itemSize           // 2
/// ```
public enum TensorDType: String, Sendable, Hashable, CaseIterable {
    /// A boolean stored as one byte (0 or 1).
    case bool = "BOOL"
    /// An unsigned 8-bit integer.
    case uint8 = "U8"
    /// A signed 8-bit integer.
    case int8 = "I8"
    /// An 8-bit float with 5 exponent and 2 mantissa bits.
    case float8E5M2 = "F8_E5M2"
    /// An 8-bit float with 4 exponent and 3 mantissa bits.
    case float8E4M3 = "F8_E4M3"
    /// An 8-bit exponent-only float (microscaling scales).
    case float8E8M0 = "F8_E8M0"
    /// An 8-bit E4M3 float without negative zero or infinities.
    case float8E4M3FNUZ = "F8_E4M3FNUZ"
    /// An 8-bit E5M2 float without negative zero or infinities.
    case float8E5M2FNUZ = "F8_E5M2FNUZ"
    /// A signed 16-bit integer.
    case int16 = "I16"
    /// An unsigned 16-bit integer.
    case uint16 = "U16"
    /// An IEEE half-precision float.
    case float16 = "F16"
    /// A bfloat16.
    case bfloat16 = "BF16"
    /// A signed 32-bit integer.
    case int32 = "I32"
    /// An unsigned 32-bit integer.
    case uint32 = "U32"
    /// An IEEE single-precision float.
    case float32 = "F32"
    /// A complex number made of two 32-bit floats.
    case complex64 = "C64"
    /// An IEEE double-precision float.
    case float64 = "F64"
    /// A signed 64-bit integer.
    case int64 = "I64"
    /// An unsigned 64-bit integer.
    case uint64 = "U64"

    /// Looks a dtype up by its safetensors name (`"I32"`, `"U8"`, …).
    /// - Parameter safetensorsName: The name as written in a safetensors header.
    public init?(safetensorsName: String) {
        self.init(rawValue: safetensorsName)
    }

    /// The name safetensors writes in the header, such as `"I32"`.
    public var safetensorsName: String { rawValue }

    /// The size of one element in bytes.
    public var itemSize: Int {
        switch self {
        case .bool, .uint8, .int8, .float8E5M2, .float8E4M3, .float8E8M0, .float8E4M3FNUZ, .float8E5M2FNUZ: 1
        case .int16, .uint16, .float16, .bfloat16: 2
        case .int32, .uint32, .float32: 4
        case .complex64, .float64, .int64, .uint64: 8
        }
    }

    /// The position in safetensors' `Dtype` enum; its writer puts higher ranks first.
    public var serializationRank: Int {
        switch self {
        case .bool: 0
        // 1…3 are F4, F6_E2M3 and F6_E3M2, which this type does not model.
        case .uint8: 4
        case .int8: 5
        case .float8E5M2: 6
        case .float8E4M3: 7
        case .float8E8M0: 8
        case .float8E4M3FNUZ: 9
        case .float8E5M2FNUZ: 10
        case .int16: 11
        case .uint16: 12
        case .float16: 13
        case .bfloat16: 14
        case .int32: 15
        case .uint32: 16
        case .float32: 17
        case .complex64: 18
        case .float64: 19
        case .int64: 20
        case .uint64: 21
        }
    }
}
