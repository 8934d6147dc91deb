import CSubroot
import Glibc
import SubrootBase
import SubrootHost

/// The calls that build the sandbox's root: where the root phase's plan
/// (`RootPhase`, in SubrootCore) meets the kernel. `LinuxSyscalls` makes
/// them; a unit test's recording fake stands in for it, so the exact
/// sequence of mounts can be checked without privileges.
///
/// Each function is named after the C function it stands for and answers
/// as that one does: the result, and -1 with errno set on failure (callers
/// wrap them in `check`, which retries on EINTR and names the call, the
/// path and the errno).
protocol RootSyscalls {
    /// mount(2).
    func mount(_ source: String?, _ target: String, _ type: String?, _ flags: UInt, _ data: String?) -> Int32
    /// umount2(2).
    func umount2(_ target: String, _ flags: Int32) -> Int32
    /// pivot_root(2).
    func pivot_root(_ newRoot: String, _ putOld: String) -> Int32
    /// mount_setattr(2) of the mount whose root `fd` is (AT_EMPTY_PATH, and
    /// AT_RECURSIVE when `recursive`): `attributes` (MOUNT_ATTR_*) are set,
    /// none cleared.
    func mount_setattr(_ fd: Int32, _ recursive: Bool, _ attributes: UInt64) -> Int32
    /// open(2).
    func open(_ path: String, _ flags: Int32) -> Int32
    /// openat(2).
    func openat(_ dirfd: Int32, _ path: String, _ flags: Int32, _ mode: mode_t) -> Int32
    /// openat2(2) with `how = {flags | O_CLOEXEC, 0, resolve}`.
    func openat2(_ dirfd: Int32, _ path: String, _ flags: Int32, _ resolve: UInt64) -> Int32
    /// fstat(2).
    func fstat(_ fd: Int32, _ buffer: inout stat) -> Int32
    /// mkdir(2).
    func mkdir(_ path: String, _ mode: mode_t) -> Int32
    /// mkdirat(2).
    func mkdirat(_ dirfd: Int32, _ path: String, _ mode: mode_t) -> Int32
    /// chmod(2).
    func chmod(_ path: String, _ mode: mode_t) -> Int32
    /// chdir(2).
    func chdir(_ path: String) -> Int32
    /// symlinkat(2).
    func symlinkat(_ destination: String, _ dirfd: Int32, _ path: String) -> Int32
    /// readlinkat(2).
    func readlinkat(_ dirfd: Int32, _ path: String, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int) -> Int
    /// sethostname(2).
    func sethostname(_ name: String) -> Int32
    /// close(2).
    func close(_ fd: Int32) -> Int32
}

/// The kernel's calls. No state: generic code over it is specialized, so
/// PID 1 pays nothing for the seam.
struct LinuxSyscalls: RootSyscalls {
    func mount(_ source: String?, _ target: String, _ type: String?, _ flags: UInt, _ data: String?) -> Int32 {
        Glibc.mount(source, target, type, flags, data)
    }
    func umount2(_ target: String, _ flags: Int32) -> Int32 { Glibc.umount2(target, flags) }
    func pivot_root(_ newRoot: String, _ putOld: String) -> Int32 { sr_pivot_root(newRoot, putOld) }
    func mount_setattr(_ fd: Int32, _ recursive: Bool, _ attributes: UInt64) -> Int32 {
        sr_mount_setattr_fd(fd, recursive ? 1 : 0, attributes)
    }
    func open(_ path: String, _ flags: Int32) -> Int32 { Glibc.open(path, flags) }
    func openat(_ dirfd: Int32, _ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
        Glibc.openat(dirfd, path, flags, mode)
    }
    func openat2(_ dirfd: Int32, _ path: String, _ flags: Int32, _ resolve: UInt64) -> Int32 {
        sr_openat2(dirfd, path, flags, resolve)
    }
    func fstat(_ fd: Int32, _ buffer: inout stat) -> Int32 { Glibc.fstat(fd, &buffer) }
    func mkdir(_ path: String, _ mode: mode_t) -> Int32 { Glibc.mkdir(path, mode) }
    func mkdirat(_ dirfd: Int32, _ path: String, _ mode: mode_t) -> Int32 { Glibc.mkdirat(dirfd, path, mode) }
    func chmod(_ path: String, _ mode: mode_t) -> Int32 { Glibc.chmod(path, mode) }
    func chdir(_ path: String) -> Int32 { Glibc.chdir(path) }
    func symlinkat(_ destination: String, _ dirfd: Int32, _ path: String) -> Int32 {
        Glibc.symlinkat(destination, dirfd, path)
    }
    func readlinkat(_ dirfd: Int32, _ path: String, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int) -> Int {
        Glibc.readlinkat(dirfd, path, buffer, size)
    }
    func sethostname(_ name: String) -> Int32 { Glibc.sethostname(name, name.utf8.count) }
    func close(_ fd: Int32) -> Int32 { Glibc.close(fd) }
}
