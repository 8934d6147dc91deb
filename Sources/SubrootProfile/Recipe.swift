/// How to create the rootfs when the store does not have it yet (`[recipe]`).
public struct Recipe: Equatable, Sendable {
    /// The Debian suite or codename (`suite`, default "bookworm").
    public var suite: String
    /// The debootstrap/mmdebstrap package set to start from (`variant`).
    public var variant: RecipeVariant
    /// Packages installed on top (`packages`); Debian package names,
    /// optionally with an architecture: "libc6:i386".
    public var packages: [String]
    /// The Debian mirror to fetch from (`mirror`); nil: the tool's default.
    public var mirror: String?

    public static let defaultSuite = "bookworm"

    public init(suite: String = Recipe.defaultSuite, variant: RecipeVariant = .apt,
                packages: [String] = [], mirror: String? = nil) {
        self.suite = suite
        self.variant = variant
        self.packages = packages
        self.mirror = mirror
    }
}

/// The starting package set of a rootfs (`recipe.variant`), as mmdebstrap
/// names them.
public enum RecipeVariant: String, CaseIterable, Equatable, Sendable {
    /// Essential packages, those of priority required, and apt
    /// (debootstrap's name for this set).
    case minbase
    /// Essential packages and apt: the smallest set that can install more.
    case apt
    /// Priority important and above.
    case important
    /// The same set as `minbase`, under mmdebstrap's name.
    case required
    /// Priority standard and above: a full Debian system without a desktop.
    case standard
}
