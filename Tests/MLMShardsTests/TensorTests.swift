import MLMShards
import Testing

@Suite struct TensorTests {
    @Test func typedRoundTrips() throws {
        let int32: [Int32] = [0, -1, .max, .min, 101]
        #expect(try Tensor(name: "a", values: int32).values(as: Int32.self) == int32)
        let uint16: [UInt16] = [0, 1, .max, 30521]
        #expect(try Tensor(name: "b", values: uint16).values(as: UInt16.self) == uint16)
        let uint32: [UInt32] = [0, .max, 65536]
        #expect(try Tensor(name: "c", values: uint32).values(as: UInt32.self) == uint32)
        let uint8: [UInt8] = [0, 1, 255]
        #expect(try Tensor(name: "d", values: uint8).values(as: UInt8.self) == uint8)
        let int64: [Int64] = [0, -100, .max, .min]
        #expect(try Tensor(name: "e", values: int64).values(as: Int64.self) == int64)
        let doubles: [Double] = [0.5, -1e300]
        #expect(try Tensor(name: "f", values: doubles).values(as: Double.self) == doubles)
    }

    @Test func storesLittleEndianBytes() throws {
        let tensor = try Tensor(name: "x", shape: [2], values: [Int32(1), Int32(-2)])
        #expect(tensor.dtype == .int32)
        #expect(tensor.data == [1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF])
        #expect(tensor.elementCount == 2)
    }

    @Test func rejectsMismatches() throws {
        #expect(throws: ShardError.self) {
            try Tensor(name: "x", shape: [2, 3], values: [Int32](repeating: 0, count: 5))
        }
        #expect(throws: ShardError.self) { try Tensor(name: "x", dtype: .int32, shape: [2], data: [0, 0, 0]) }
        #expect(throws: ShardError.self) { try Tensor(name: "x", dtype: .uint8, shape: [-1], data: []) }
        let tensor = try Tensor(name: "x", values: [Int32(1)])
        let error = #expect(throws: ShardError.self) { try tensor.values(as: UInt32.self) }
        #expect(error?.code == .invalidTensor)
        #expect(error?.description.contains("I32") == true)
    }

    @Test func scalarsAndEmptyTensors() throws {
        let scalar = try Tensor(name: "s", shape: [], values: [Int64(7)])
        #expect(scalar.elementCount == 1)
        let empty = try Tensor(name: "e", shape: [3, 0], values: [UInt16]())
        #expect(empty.data.isEmpty)
    }

    @Test func dtypeNamesAndSizes() {
        #expect(TensorDType(safetensorsName: "I32") == .int32)
        #expect(TensorDType(safetensorsName: "i32") == nil)
        #expect(TensorDType.uint16.itemSize == 2)
        #expect(TensorDType.complex64.itemSize == 8)
        #expect(TensorDType.bool.safetensorsName == "BOOL")
        let ranks = TensorDType.allCases.map(\.serializationRank)
        #expect(ranks == ranks.sorted())
    }
}
