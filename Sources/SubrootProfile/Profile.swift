import SubrootCore

/// A profile after its includes are merged and defaults applied: what
/// `subroot run NAME` starts. Each property names the TOML key it comes from.
///
/// Keys (see also profiles/README.md):
///
/// - `description` (string): one line for `profile list`.
/// - `include` (array of profile names): shared pieces such as "gui" and
///   "toolchain", found on the search path like any profile and merged in
///   order; then the file's own keys win. See `ProfileMerge` for how lists
///   and tables combine.
/// - `rootfs` (string): the store name of the root filesystem; defaults to
///   the profile's name. Rule: `StoreName`.
/// - `[recipe]` (table): how to create the rootfs; see `Recipe`.
/// - `command` (array of strings, or a string: a lone argv[0]): the fixed
///   start of the command line. Default: none.
/// - `args` (array of strings): default arguments after `command`; the
///   user's own arguments replace them. See `commandLine(userArguments:)`.
/// - `env` (table of string to string): variables set inside, last.
/// - `workdir` (string): an absolute path inside, or "cwd". Default "/".
/// - `bind_cwd` (boolean): bind the current directory at the same path.
/// - `home` ("persistent", "tmpfs" or "host"): default "tmpfs".
/// - `binds` (array of inline tables `{ source, target, mode }`):
///   extra host paths; `~` in a source is the user's home directory.
/// - `network` ("host", "none" or "isolated"): default "none".
/// - `rootfs_mode` ("overlay", "writable" or "read-only"): default "overlay".
/// - `x11` (boolean): reach the host's X server.
/// - `pulseaudio` (boolean): reach the host's PulseAudio/PipeWire socket.
/// - `groups` (array of group names or `{ name, optional }` tables).
/// - `devices` (array of "snd", "dri").
/// - `capabilities` (array of names such as "CAP_SETFCAP").
/// - `seccomp_allow` (array of `SyscallFilter` rule names such as
///   "keyctl"): system calls the sandbox's filter lets through again.
/// - `hostname` (string): 1 to 64 letters, digits, '-' and '.'; default
///   "subroot".
/// - `user` ("self" or "root"): who the command runs as; default "self":
///   your uid, gid, name and home path, no capabilities (`CommandUser`).
///   `subroot shell` is always root.
/// - `tmpfs_size` (string): the limit of all the sandbox's memory-backed
///   storage together (/tmp, /run, /dev/shm, a tmpfs home, the overlay's
///   writes), as tmpfs `size=` takes it: "512m", "2g", "10%"; default "25%".
/// - `single_instance` (boolean): a `run` while a sandbox of the profile
///   runs starts its command in that sandbox instead of a second one.
/// - `dbus_talk`, `dbus_own`, `dbus_see` (arrays of bus names, a name may
///   end in `.*`): the session bus through a filtering proxy
///   (xdg-dbus-proxy), with only these names reachable; `DBusPolicy`.
/// - `dbus_system_talk` (array of bus names): the system bus, filtered the
///   same way, with these names to talk to; off when empty.
public struct Profile: Equatable, Sendable {
    /// The profile's name: the file name without ".toml".
    public var name: String
    /// The file it was read from.
    public var origin: String
    /// The names of the included profiles, in the order they were merged
    /// (an include's own includes come before it; each one once).
    public var includes: [String] = []

    /// `description`.
    public var description: String?
    /// `rootfs`: a store name.
    public var rootfs: String
    /// `[recipe]`; nil when no file of the chain has one.
    public var recipe: Recipe?
    /// `command`: the fixed start of argv; may be empty.
    public var command: [String] = []
    /// `args`: default arguments, replaced by the user's.
    public var args: [String] = []
    /// `env`: variables to set inside.
    public var environment: [String: String] = [:]
    /// `workdir`.
    public var workingDirectory: WorkingDirectory = .path("/")
    /// `bind_cwd`: bind the current directory at the same path inside.
    public var bindCurrentDirectory = false
    /// `home`.
    public var home: HomeMode = .tmpfs
    /// `binds`, with `~` expanded; sources are absolute host paths, targets
    /// absolute normalized paths inside.
    public var binds: [BindSpec] = []
    /// `network`.
    public var network: NetworkMode = .none
    /// `rootfs_mode`.
    public var rootfsMode: RootMode = .overlay
    /// `x11`: bind the host's X11 socket and pass DISPLAY and an Xauthority.
    public var x11 = false
    /// `pulseaudio`: bind the host's PulseAudio socket and cookie.
    public var pulseaudio = false
    /// `groups`: host groups to keep.
    public var groups: [GroupRequest] = []
    /// `devices`: host device directories to bind into /dev.
    public var devices: [HostDevice] = []
    /// `capabilities`: kept in the command's ambient set.
    public var capabilities: [Capability] = []
    /// `seccomp_allow`: names of `SyscallFilter` rules lifted for the app.
    public var seccompAllow: [String] = []
    /// `hostname`.
    public var hostname = Profile.defaultHostname
    /// `tmpfs_size`.
    public var memoryLimit = MemoryLimit.default
    /// `user`.
    public var user = CommandUser.invoker
    /// `single_instance`.
    public var singleInstance = false
    /// `dbus_talk`, `dbus_own`, `dbus_see`.
    public var sessionBus = DBusPolicy()
    /// `dbus_system_talk`.
    public var systemBus = DBusPolicy()

    public static let defaultHostname = "subroot"

    /// A profile with every default; `rootfs` is the name.
    public init(name: String, origin: String) {
        self.name = name
        self.origin = origin
        self.rootfs = name
    }

    /// The command line to run: `command`, then the user's arguments, or
    /// `args` when the user gave none. Empty when neither the profile nor the
    /// user names a command.
    ///
    /// A profile for an application fixes `command` (`["firefox-esr"]`), so
    /// `subroot run firefox -- URL` passes the URL; a toolchain leaves
    /// `command` empty and puts its default in `args` (`["bash"]`), so
    /// `subroot run gcc -- make` runs make.
    public func commandLine(userArguments: [String]) -> [String] {
        command + (userArguments.isEmpty ? args : userArguments)
    }

    /// The home directory kept for `home = "persistent"`:
    /// `$XDG_DATA_HOME/subroot/home/NAME`.
    public func persistentHome(in directories: XDGDirectories) -> String {
        directories.dataHome + "/subroot/home/" + name
    }

    /// Every top-level key, in the documented order.
    public static let keys = [
        "description", "include", "rootfs", "recipe", "command", "args", "env", "workdir", "bind_cwd",
        "home", "binds", "network", "rootfs_mode", "x11", "pulseaudio", "groups", "devices",
        "capabilities", "seccomp_allow", "hostname", "user", "tmpfs_size",
        "single_instance", "dbus_talk", "dbus_own", "dbus_see", "dbus_system_talk",
    ]
}
