import Testing
@testable import SubrootCore

/// The assembled seccomp program, run by a classic BPF interpreter over
/// every system call number of two made-up ABIs, with the arguments that
/// matter to the ioctl and personality rules. (SeccompTests runs the real
/// program on the real kernel.)
struct SeccompProgramTests {
    static let native: UInt32 = 0xC000_003E  // AUDIT_ARCH_X86_64
    static let compat: UInt32 = 0x4000_0003  // AUDIT_ARCH_I386

    /// Numbers for every name the filter uses, spread over 0..<460, and
    /// different per ABI; the compat ABI lacks "modify_ldt".
    static func table(_ offset: UInt32, lacking: Set<String> = []) -> @Sendable (String) -> UInt32? {
        let names = SyscallFilter.all.map(\.syscall) + ["ioctl", "personality"]
        var numbers: [String: UInt32] = [:]
        for (i, name) in names.enumerated() where numbers[name] == nil && !lacking.contains(name) {
            numbers[name] = (UInt32(i) * 13 + offset) % 460
        }
        let fixed = numbers
        return { fixed[$0] }
    }

    static let abis = [SeccompProgram.ABI(architecture: native, rejectsX32: true, number: table(5)),
                       SeccompProgram.ABI(architecture: compat, number: table(200, lacking: ["modify_ldt"]))]

    static func run(_ program: SeccompProgram, arch: UInt32, nr: UInt32, args: [UInt64] = [], littleEndian: Bool = true) throws -> UInt32 {
        var data = [UInt8](repeating: 0, count: 64)
        func put32(_ value: UInt32, at offset: Int) {
            for i in 0..<4 {
                let shift = littleEndian ? 8 * i : 8 * (3 - i)
                data[offset + i] = UInt8(truncatingIfNeeded: value >> UInt32(shift))
            }
        }
        put32(nr, at: 0)
        put32(arch, at: 4)
        for (i, arg) in args.enumerated() {
            let low = UInt32(truncatingIfNeeded: arg), high = UInt32(truncatingIfNeeded: arg >> 32)
            put32(littleEndian ? low : high, at: 16 + 8 * i)
            put32(littleEndian ? high : low, at: 20 + 8 * i)
        }
        var a: UInt32 = 0
        var pc = 0
        var steps = 0
        while true {
            steps += 1
            let i = try #require(pc < program.instructions.count ? program.instructions[pc] : nil, "ran off the end at \(pc)")
            try #require(steps <= program.instructions.count, "a loop")
            switch i.code {
            case 0x20:
                let offset = Int(i.k)
                try #require(offset % 4 == 0 && offset + 4 <= data.count)
                a = 0
                for b in 0..<4 {
                    let shift = littleEndian ? 8 * b : 8 * (3 - b)
                    a |= UInt32(data[offset + b]) << UInt32(shift)
                }
                pc += 1
            case 0x15: pc += 1 + Int(a == i.k ? i.jt : i.jf)
            case 0x35: pc += 1 + Int(a >= i.k ? i.jt : i.jf)
            case 0x06: return i.k
            default: Issue.record("unexpected opcode \(i.code)"); return 0
            }
        }
    }

    static let allow = SeccompProgram.allow
    static let eperm = SeccompProgram.errno(1)
    static let enosys = SeccompProgram.errno(38)

    @Test func everyNumberOfBothABIsGetsWhatTheRulesSay() throws {
        let filter = SyscallFilter()
        let program = try SeccompProgram(filter, abis: Self.abis)
        for abi in Self.abis {
            var denied: Set<UInt32> = []
            for rule in filter.rules where rule.match == .call {
                if let n = abi.number(rule.syscall) { denied.insert(n) }
            }
            #expect(denied.count > 20)
            for nr in UInt32(0)..<600 {
                let expected = denied.contains(nr) ? Self.eperm : Self.allow
                #expect(try Self.run(program, arch: abi.architecture, nr: nr) == expected, "arch \(abi.architecture) nr \(nr)")
            }
        }
    }

    @Test func aCallAnABILacksIsLeftOutForThatABIOnly() throws {
        let program = try SeccompProgram(SyscallFilter(), abis: Self.abis)
        let onNative = try #require(Self.abis[0].number("modify_ldt"))
        #expect(try Self.run(program, arch: Self.native, nr: onNative) == Self.eperm)
        #expect(Self.abis[1].number("modify_ldt") == nil)
    }

    @Test func otherABIsAndX32GetENOSYS() throws {
        let program = try SeccompProgram(SyscallFilter(), abis: Self.abis)
        let getpid: UInt32 = 459 // in no table
        #expect(try Self.run(program, arch: 0xC000_00B7, nr: getpid) == Self.enosys)
        #expect(try Self.run(program, arch: 0, nr: getpid) == Self.enosys)
        #expect(try Self.run(program, arch: Self.native, nr: 0x4000_0000 | getpid) == Self.enosys)
        #expect(try Self.run(program, arch: Self.native, nr: 0x4000_0000) == Self.enosys)
        #expect(try Self.run(program, arch: Self.native, nr: getpid) == Self.allow)
    }

    @Test func ioctlRequestsAreComparedOnTheirLow32Bits() throws {
        let program = try SeccompProgram(SyscallFilter(), abis: Self.abis)
        for abi in Self.abis {
            let ioctl = try #require(abi.number("ioctl"))
            for (request, expected) in [(UInt64(0x5412), Self.eperm), (0x541C, Self.eperm), (0x1_0000_5412, Self.eperm),
                                        (0xFFFF_FFFF_0000_541C, Self.eperm), (0x5413, Self.allow), (0, Self.allow),
                                        (0x5412_0000, Self.allow)] {
                #expect(try Self.run(program, arch: abi.architecture, nr: ioctl, args: [3, request]) == expected,
                        "request \(request)")
            }
        }
    }

    @Test func onBigEndianMachinesTheLowWordIsTheSecond() throws {
        let program = try SeccompProgram(SyscallFilter(), abis: Self.abis, littleEndian: false)
        let ioctl = try #require(Self.abis[0].number("ioctl"))
        #expect(try Self.run(program, arch: Self.native, nr: ioctl, args: [3, 0x1_0000_5412], littleEndian: false) == Self.eperm)
        #expect(try Self.run(program, arch: Self.native, nr: ioctl, args: [3, 0x5412_0000_0000], littleEndian: false) == Self.allow)
        let personality = try #require(Self.abis[0].number("personality"))
        #expect(try Self.run(program, arch: Self.native, nr: personality, args: [0x40_0000], littleEndian: false) == Self.eperm)
        #expect(try Self.run(program, arch: Self.native, nr: personality, args: [8], littleEndian: false) == Self.allow)
    }

    @Test func onlyThePlainPersonalitiesAreAllowed() throws {
        let program = try SeccompProgram(SyscallFilter(), abis: Self.abis)
        for abi in Self.abis {
            let personality = try #require(abi.number("personality"))
            for value in SyscallFilter.allowedPersonalities {
                #expect(try Self.run(program, arch: abi.architecture, nr: personality, args: [UInt64(value)]) == Self.allow)
            }
            // The kernel reads the persona as 32 bits: high bits change nothing.
            for (value, expected) in [(UInt64(0x40_0000), Self.eperm), (0x8040_0000, Self.eperm), (0x1_0040_0000, Self.eperm),
                                      (1, Self.eperm), (0x20_0000, Self.eperm), (0xFFFF_FFFE, Self.eperm),
                                      (0x1_0000_0000, Self.allow), (0x7_0004_0008, Self.allow)] {
                #expect(try Self.run(program, arch: abi.architecture, nr: personality, args: [value]) == expected, "\(value)")
            }
        }
    }

    @Test func allowedRulesAreLeftOut() throws {
        let keyctl = try #require(Self.abis[0].number("keyctl"))
        let addKey = try #require(Self.abis[0].number("add_key"))
        let ioctl = try #require(Self.abis[0].number("ioctl"))
        let some = try SeccompProgram(SyscallFilter(allowing: ["keyctl", "TIOCSTI"]), abis: Self.abis)
        #expect(try Self.run(some, arch: Self.native, nr: keyctl) == Self.allow)
        #expect(try Self.run(some, arch: Self.native, nr: addKey) == Self.eperm)
        #expect(try Self.run(some, arch: Self.native, nr: ioctl, args: [0, 0x5412]) == Self.allow)
        #expect(try Self.run(some, arch: Self.native, nr: ioctl, args: [0, 0x541C]) == Self.eperm)

        let none = try SeccompProgram(SyscallFilter(allowing: Set(SyscallFilter.names)), abis: Self.abis)
        for nr in UInt32(0)..<600 {
            #expect(try Self.run(none, arch: Self.native, nr: nr, args: [0x40_0000, 0x5412]) == Self.allow)
        }
        #expect(none.instructions.count <= 12, "\(none.instructions.count)")
    }

    @Test func theProgramIsSmallAndInTheKernelsLayout() throws {
        let program = try SeccompProgram(SyscallFilter(), abis: Self.abis)
        // libseccomp's program for the same rules had 171 instructions.
        #expect(program.instructions.count < 171, "\(program.instructions.count)")
        let bytes = program.bytes
        #expect(bytes.count == program.instructions.count * 8)
        // BPF_LD|BPF_W|BPF_ABS of seccomp_data.arch, little-endian.
        #expect(Array(bytes[0..<8]) == [0x20, 0x00, 0, 0, 4, 0, 0, 0])
    }
}
