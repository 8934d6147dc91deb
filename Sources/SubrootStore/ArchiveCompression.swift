import SubrootBase
import SubrootEngine
import SubrootHost

/// The compression of a tar archive, told from its first bytes.
enum ArchiveCompression {
    case gzip, xz, zstd, bzip2

    static func detect(_ magic: [UInt8]) -> ArchiveCompression? {
        if magic.starts(with: [0x1f, 0x8b]) { return .gzip }
        if magic.starts(with: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return .xz }
        if magic.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        if magic.starts(with: [0x42, 0x5a, 0x68]) { return .bzip2 }
        return nil
    }

    var tarFlag: String {
        switch self {
        case .gzip: return "--gzip"
        case .xz: return "--xz"
        case .zstd: return "--zstd"
        case .bzip2: return "--bzip2"
        }
    }

    static func hint(tarStatus: Int32) -> String? {
        tarStatus == 2 ? "\nhint: tar's messages above name the member it could not unpack" : nil
    }
}
