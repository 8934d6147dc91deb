/// The rule for rootfs store names and profile names: 1 to 64 characters
/// from letters, digits, '.', '_' and '-', starting with a letter or digit,
/// without "..". Such a name is safe as one path component anywhere.
public enum StoreName {
    public static let maximumLength = 64

    /// Why `name` breaks the rule, or nil when it follows it. The reason
    /// reads after the quoted name: `"a/b" must not contain '/'`.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.unicodeScalars.contains(where: { $0 == "\0" || $0 == "\n" || $0 == "\r" }) {
            return "must not contain NUL or newline characters"
        }
        if name.contains("/") { return "must not contain '/'" }
        if name.contains("..") { return "must not contain '..'" }
        let scalars = Array(name.unicodeScalars)
        if !isAlphanumeric(scalars[0]) { return "must start with a letter or a digit" }
        if !scalars.allSatisfy({ isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }) {
            return "may only hold ASCII letters, digits, '.', '_' and '-'"
        }
        if scalars.count > maximumLength { return "is longer than \(maximumLength) characters" }
        return nil
    }

    public static func isValid(_ name: String) -> Bool { problem(name) == nil }

    static func isAlphanumeric(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
    }
}
