/// The classic BPF program that makes the kernel enforce a `SyscallFilter`
/// (seccomp(2), SECCOMP_MODE_FILTER). Pure: the system call numbers come
/// from the caller, one table per ABI (the OS layer asks libseccomp).
///
/// Assembled here rather than by libseccomp, whose compile took about half a
/// millisecond of every launch, and whose program checked calls one after the
/// other. Here each ABI's calls are found by a binary search on the number,
/// so the kernel's per-call cache of always-allowed numbers, computed when
/// the filter is installed, is quick to build too.
///
/// For each ABI: a call the filter refuses gets EPERM, everything else is
/// allowed. A call from any ABI not listed, and on x86_64 one from the x32
/// ABI (its numbers have bit 30 set), gets ENOSYS.
public struct SeccompProgram: Equatable, Sendable {
    /// struct sock_filter.
    public struct Instruction: Equatable, Sendable {
        public var code: UInt16
        public var jt: UInt8
        public var jf: UInt8
        public var k: UInt32
    }

    /// One ABI the program covers.
    public struct ABI: Sendable {
        /// Its AUDIT_ARCH_* value, as seccomp_data.arch carries it.
        public var architecture: UInt32
        /// Its number for a system call name; nil when it has no such call.
        public var number: @Sendable (String) -> UInt32?
        /// x86_64: numbers with the x32 bit belong to another ABI.
        public var rejectsX32: Bool

        public init(architecture: UInt32, rejectsX32: Bool = false, number: @escaping @Sendable (String) -> UInt32?) {
            self.architecture = architecture
            self.number = number
            self.rejectsX32 = rejectsX32
        }
    }

    /// The program is longer than a jump can reach, or than the kernel takes.
    public struct TooLarge: Error, CustomStringConvertible {
        public var description: String
    }

    public private(set) var instructions: [Instruction]

    /// The program as the kernel reads it: struct sock_filter in this
    /// machine's byte order.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(instructions.count * 8)
        for i in instructions {
            withUnsafeBytes(of: i.code) { out += $0 }
            out.append(i.jt)
            out.append(i.jf)
            withUnsafeBytes(of: i.k) { out += $0 }
        }
        return out
    }

    // Return values and opcodes from <linux/seccomp.h> and <linux/filter.h>.
    public static let allow: UInt32 = 0x7fff_0000
    public static func errno(_ value: UInt32) -> UInt32 { 0x0005_0000 | (value & 0xffff) }
    public static let eperm: UInt32 = 1
    public static let enosys: UInt32 = 38
    static let x32Bit: UInt32 = 0x4000_0000
    static let load: UInt16 = 0x20       // BPF_LD | BPF_W | BPF_ABS
    static let jumpEqual: UInt16 = 0x15  // BPF_JMP | BPF_JEQ | BPF_K
    static let jumpAtLeast: UInt16 = 0x35 // BPF_JMP | BPF_JGE | BPF_K
    static let ret: UInt16 = 0x06        // BPF_RET | BPF_K
    /// Offsets into struct seccomp_data.
    static let numberOffset: UInt32 = 0
    static let architectureOffset: UInt32 = 4
    /// The low 32 bits of argument `index`: the kernel reads an ioctl's
    /// request and personality's persona as 32-bit values.
    static func lowWordOffset(ofArgument index: UInt32, littleEndian: Bool) -> UInt32 {
        16 + 8 * index + (littleEndian ? 0 : 4)
    }

    public init(_ filter: SyscallFilter, abis: [ABI], littleEndian: Bool = true) throws {
        var code = Assembler()
        let badABI = code.newLabel()
        for abi in abis {
            let nextABI = code.newLabel()
            code.emit(.load(Self.architectureOffset))
            code.emit(.jumpEqual(abi.architecture, then: nil, else: nextABI))
            code.emit(.load(Self.numberOffset))
            if abi.rejectsX32 { code.emit(.jumpAtLeast(Self.x32Bit, then: badABI, else: nil)) }
            Self.emitRules(filter, abi: abi, littleEndian: littleEndian, into: &code)
            code.place(nextABI)
        }
        code.place(badABI)
        code.emit(.ret(Self.errno(Self.enosys)))
        instructions = try code.assemble()
    }

    /// What one ABI's calls get, with the number loaded.
    private static func emitRules(_ filter: SyscallFilter, abi: ABI, littleEndian: Bool, into code: inout Assembler) {
        // Arrays, not a dictionary keyed by number: the first hashed use of
        // a type costs the Swift runtime a scan of every conformance record.
        let deny = code.newLabel()
        var targets: [(number: UInt32, label: Label)] = []
        func add(_ number: UInt32, _ label: Label) -> Bool {
            if targets.contains(where: { $0.number == number }) { return false }
            targets.append((number, label))
            return true
        }
        var requests: [UInt32] = []
        var checksPersona = false
        for rule in filter.rules {
            guard let number = abi.number(rule.syscall) else { continue }
            switch rule.match {
            case .call: _ = add(number, deny)
            case .ioctl(let request): requests.append(request)
            case .personalityOtherThanAllowed: checksPersona = true
            }
        }
        var ioctl: Label? = nil
        if !requests.isEmpty, let number = abi.number("ioctl") {
            let label = code.newLabel()
            if add(number, label) { ioctl = label }
        }
        var personality: Label? = nil
        if checksPersona, let number = abi.number("personality") {
            let label = code.newLabel()
            if add(number, label) { personality = label }
        }
        targets.sort { $0.number < $1.number }
        emitSearch(targets[...], into: &code)

        if let ioctl {
            code.place(ioctl)
            code.emit(.load(lowWordOffset(ofArgument: 1, littleEndian: littleEndian)))
            for request in requests { code.emit(.jumpEqual(request, then: deny, else: nil)) }
            code.emit(.ret(allow))
        }
        if let personality {
            let permitted = code.newLabel()
            code.place(personality)
            code.emit(.load(lowWordOffset(ofArgument: 0, littleEndian: littleEndian)))
            for value in SyscallFilter.allowedPersonalities { code.emit(.jumpEqual(value, then: permitted, else: nil)) }
            code.emit(.ret(errno(eperm)))
            code.place(permitted)
            code.emit(.ret(allow))
        }
        code.place(deny)
        code.emit(.ret(errno(eperm)))
    }

    /// A binary search for the loaded number among `entries` (sorted): a
    /// match jumps to its label, anything else is allowed.
    private static func emitSearch(_ entries: ArraySlice<(number: UInt32, label: Label)>, into code: inout Assembler) {
        if entries.count <= 4 {
            for entry in entries { code.emit(.jumpEqual(entry.number, then: entry.label, else: nil)) }
            code.emit(.ret(allow))
            return
        }
        let middle = entries.startIndex + entries.count / 2
        let upper = code.newLabel()
        code.emit(.jumpAtLeast(entries[middle].number, then: upper, else: nil))
        emitSearch(entries[..<middle], into: &code)
        code.place(upper)
        emitSearch(entries[middle...], into: &code)
    }
}

/// A place in the program a jump can name.
struct Label {
    fileprivate let id: Int
}

/// Classic BPF with forward jumps to labels (nil: the next instruction).
private struct Assembler {
    enum Statement {
        case load(UInt32)
        case jumpEqual(UInt32, then: Label?, else: Label?)
        case jumpAtLeast(UInt32, then: Label?, else: Label?)
        case ret(UInt32)
    }

    private var statements: [Statement] = []
    /// Where each label was placed (by id; -1: not yet).
    private var positions: [Int] = []

    mutating func newLabel() -> Label {
        positions.append(-1)
        return Label(id: positions.count - 1)
    }

    mutating func emit(_ statement: Statement) { statements.append(statement) }

    /// `label` names the next instruction emitted.
    mutating func place(_ label: Label) { positions[label.id] = statements.count }

    /// BPF_MAXINSNS.
    static let maximumLength = 4096

    func assemble() throws -> [SeccompProgram.Instruction] {
        guard statements.count <= Self.maximumLength else {
            throw SeccompProgram.TooLarge(description: "syscall filter: \(statements.count) instructions, more than the kernel's \(Self.maximumLength)")
        }
        var out: [SeccompProgram.Instruction] = []
        out.reserveCapacity(statements.count)
        for (index, statement) in statements.enumerated() {
            func offset(_ label: Label?) throws -> UInt8 {
                guard let label else { return 0 }
                let target = positions[label.id]
                guard target > index, target - index - 1 <= Int(UInt8.max) else {
                    throw SeccompProgram.TooLarge(description: "syscall filter: a jump from instruction \(index) cannot reach its target")
                }
                return UInt8(target - index - 1)
            }
            switch statement {
            case .load(let offset):
                out.append(.init(code: SeccompProgram.load, jt: 0, jf: 0, k: offset))
            case .jumpEqual(let k, let then, let otherwise):
                out.append(.init(code: SeccompProgram.jumpEqual, jt: try offset(then), jf: try offset(otherwise), k: k))
            case .jumpAtLeast(let k, let then, let otherwise):
                out.append(.init(code: SeccompProgram.jumpAtLeast, jt: try offset(then), jf: try offset(otherwise), k: k))
            case .ret(let value):
                out.append(.init(code: SeccompProgram.ret, jt: 0, jf: 0, k: value))
            }
        }
        return out
    }
}
