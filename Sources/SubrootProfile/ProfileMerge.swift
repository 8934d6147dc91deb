import SubrootCore

/// How a file's keys combine with what its includes set, applied in merge
/// order (includes first, the including file last):
///
/// - Plain values and `command`, `args`, `description`, `rootfs`,
///   `workdir`, `hostname`, `user`, `tmpfs_size`, `single_instance` and the
///   `[recipe]` scalars: the later file wins.
/// - `env`: merged by variable; the later file wins per variable.
/// - `binds`: appended; a bind to a target an earlier file already binds
///   replaces that one.
/// - `groups`: appended; a group named again replaces the earlier entry.
/// - `devices`, `capabilities`, `seccomp_allow`, `recipe.packages`, the
///   `dbus_*` lists: appended, without duplicates.
///
/// So a piece can only add to lists; a profile that needs less should not
/// include it.
enum ProfileMerge {
    static func apply(_ layer: ProfileLayer, to profile: inout Profile) {
        if let v = layer.description { profile.description = v }
        if let v = layer.rootfs { profile.rootfs = v }
        if let r = layer.recipe {
            var recipe = profile.recipe ?? Recipe()
            if let v = r.suite { recipe.suite = v }
            if let v = r.variant { recipe.variant = v }
            if let v = r.mirror { recipe.mirror = v }
            if let v = r.packages { recipe.packages = union(recipe.packages, v) }
            profile.recipe = recipe
        }
        if let v = layer.command { profile.command = v }
        if let v = layer.args { profile.args = v }
        for (name, value) in layer.environment { profile.environment[name] = value }
        if let v = layer.workingDirectory { profile.workingDirectory = v }
        if let v = layer.bindCurrentDirectory { profile.bindCurrentDirectory = v }
        if let v = layer.home { profile.home = v }
        for bind in layer.binds ?? [] {
            profile.binds.removeAll { $0.target == bind.target }
            profile.binds.append(bind)
        }
        if let v = layer.network { profile.network = v }
        if let v = layer.rootfsMode { profile.rootfsMode = v }
        if let v = layer.x11 { profile.x11 = v }
        if let v = layer.pulseaudio { profile.pulseaudio = v }
        for group in layer.groups ?? [] {
            profile.groups.removeAll { $0.name == group.name }
            profile.groups.append(group)
        }
        if let v = layer.devices { profile.devices = union(profile.devices, v) }
        if let v = layer.capabilities { profile.capabilities = union(profile.capabilities, v) }
        if let v = layer.seccompAllow { profile.seccompAllow = union(profile.seccompAllow, v) }
        if let v = layer.hostname { profile.hostname = v }
        if let v = layer.memoryLimit { profile.memoryLimit = v }
        if let v = layer.user { profile.user = v }
        if let v = layer.singleInstance { profile.singleInstance = v }
        if let v = layer.dbusTalk { profile.sessionBus.talk = union(profile.sessionBus.talk, v) }
        if let v = layer.dbusOwn { profile.sessionBus.own = union(profile.sessionBus.own, v) }
        if let v = layer.dbusSee { profile.sessionBus.see = union(profile.sessionBus.see, v) }
        if let v = layer.dbusSystemTalk { profile.systemBus.talk = union(profile.systemBus.talk, v) }
    }

    /// `a`, then the items of `b` not in it yet.
    static func union<T: Equatable>(_ a: [T], _ b: [T]) -> [T] {
        var out = a
        for item in b where !out.contains(item) { out.append(item) }
        return out
    }
}
