/// "Did you mean" suggestions by edit distance.
enum NearestName {
    /// The candidate closest to `name`, when it is close enough to be a typo:
    /// at most 1 edit for names of up to 3 characters, else at most a third
    /// of the length (but 2 always). Ties go to the earlier candidate.
    static func suggestion(for name: String, among candidates: [String], ignoringCase: Bool = false) -> String? {
        let probe = ignoringCase ? name.uppercased() : name
        let count = probe.count
        let limit = count <= 3 ? 1 : max(2, count / 3)
        var best: (String, Int)?
        let scalars = probe.unicodeScalars.count
        for candidate in candidates where candidate != name {
            let other = ignoringCase ? candidate.uppercased() : candidate
            // The distance is at least the difference in length: a long
            // word (a hostile file's) costs nothing against short names.
            if abs(other.unicodeScalars.count - scalars) > limit { continue }
            let d = distance(probe, other)
            if d <= limit, best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    /// Optimal string alignment distance: insertions, deletions,
    /// substitutions and swaps of neighbours each cost 1 ("pulseaduio" is
    /// 1 from "pulseaudio").
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }

    /// ` (did you mean "x"?)`, or "" without a suggestion.
    static func hint(for name: String, among candidates: [String], ignoringCase: Bool = false) -> String {
        guard let s = suggestion(for: name, among: candidates, ignoringCase: ignoringCase) else { return "" }
        return " (did you mean \(TOMLText.quoted(s))?)"
    }
}
