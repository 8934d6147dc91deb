import Glibc
import SubrootHost
import SubrootProfile
import SubrootStore

/// A rootfs created from a profile's recipe: `rootfs create`, and a
/// launch whose profile's rootfs is missing.
public enum RootfsCreation {
    public static func create(_ name: String, recipe: Recipe, user: UserContext,
                              maxSize: RootfsBuilder.SizeLimit? = nil) throws {
        let maps = try IdentityMaps.load()
        let builder = RootfsBuilder(store: user.store, maps: maps, showProgress: isatty(2) == 1, maxSize: maxSize)
        try builder.create(name, recipe: RootfsBuilder.Recipe(
            suite: recipe.suite, variant: recipe.variant.rawValue, packages: recipe.packages, mirror: recipe.mirror))
    }
}
