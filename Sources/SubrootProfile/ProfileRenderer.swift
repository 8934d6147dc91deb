/// Writes a merged profile back as TOML, for `subroot profile show`: every
/// key with its effective value, defaults included, so what runs is plain to
/// see. Includes are already applied and appear only in a comment. Reading
/// the text back gives the same profile.
public enum ProfileRenderer {
    public static func render(_ profile: Profile) -> String {
        var lines: [String] = []
        // A comment may hold no control character and no byte-order mark.
        let origin = profile.origin.unicodeScalars.contains(where: { TOMLText.isInvisibleBreak($0) || $0.value == 0xFEFF })
            ? TOMLText.quoted(profile.origin) : profile.origin
        lines.append("# Profile \(profile.name), from \(origin)")
        if !profile.includes.isEmpty {
            lines.append("# with its includes merged: \(profile.includes.joined(separator: ", "))")
        }
        if let description = profile.description {
            lines.append("description = \(TOMLText.quoted(description))")
        }
        lines.append("rootfs = \(TOMLText.quoted(profile.rootfs))")
        lines.append("command = \(TOMLText.array(profile.command))")
        lines.append("args = \(TOMLText.array(profile.args))")
        lines.append("workdir = \(TOMLText.quoted(profile.workingDirectory.text))")
        lines.append("bind_cwd = \(profile.bindCurrentDirectory)")
        lines.append("home = \(TOMLText.quoted(profile.home.rawValue))")
        if profile.binds.isEmpty {
            lines.append("binds = []")
        } else {
            lines.append("binds = [")
            for bind in profile.binds {
                lines.append("    { source = \(TOMLText.quoted(bind.source)), target = \(TOMLText.quoted(bind.target)), mode = \"\(bind.readOnly ? "ro" : "rw")\" },")
            }
            lines.append("]")
        }
        lines.append("network = \(TOMLText.quoted(profile.network.rawValue))")
        lines.append("rootfs_mode = \(TOMLText.quoted(profile.rootfsMode.rawValue))")
        lines.append("x11 = \(profile.x11)")
        lines.append("pulseaudio = \(profile.pulseaudio)")
        let groups = profile.groups.map { group in
            group.optional ? "{ name = \(TOMLText.quoted(group.name)), optional = true }" : TOMLText.quoted(group.name)
        }
        lines.append("groups = [" + groups.joined(separator: ", ") + "]")
        lines.append("devices = \(TOMLText.array(profile.devices.map(\.rawValue)))")
        lines.append("capabilities = \(TOMLText.array(profile.capabilities.map(\.name)))")
        lines.append("seccomp_allow = \(TOMLText.array(profile.seccompAllow))")
        lines.append("hostname = \(TOMLText.quoted(profile.hostname))")
        lines.append("user = \(TOMLText.quoted(profile.user.rawValue))")
        lines.append("tmpfs_size = \(TOMLText.quoted(profile.memoryLimit.text))")
        lines.append("single_instance = \(profile.singleInstance)")
        lines.append("dbus_talk = \(TOMLText.array(profile.sessionBus.talk))")
        lines.append("dbus_own = \(TOMLText.array(profile.sessionBus.own))")
        lines.append("dbus_see = \(TOMLText.array(profile.sessionBus.see))")
        lines.append("dbus_system_talk = \(TOMLText.array(profile.systemBus.talk))")

        lines.append("")
        lines.append("[env]")
        for name in profile.environment.keys.sorted() {
            lines.append("\(TOMLText.key(name)) = \(TOMLText.quoted(profile.environment[name]!))")
        }
        if let recipe = profile.recipe {
            lines.append("")
            lines.append("[recipe]")
            lines.append("suite = \(TOMLText.quoted(recipe.suite))")
            lines.append("variant = \(TOMLText.quoted(recipe.variant.rawValue))")
            lines.append("packages = \(TOMLText.array(recipe.packages))")
            if let mirror = recipe.mirror {
                lines.append("mirror = \(TOMLText.quoted(mirror))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
