extension Collection {
    /// The index of the first element for which `belongsInSecondPartition` is true, or
    /// `endIndex` when there is none: the registry's one binary search (after
    /// apple/swift-algorithms), used for every sorted index in the fast form.
    ///
    /// - Precondition: the collection is already partitioned by the predicate: every element
    ///   for which it is false comes before every element for which it is true.
    /// - Complexity: O(log *n*) calls of the predicate, where *n* is the collection's length;
    ///   O(*n*) index moves unless the collection conforms to `RandomAccessCollection`.
    func partitioningIndex(where belongsInSecondPartition: (Element) throws -> Bool) rethrows -> Index {
        var n = count
        var low = startIndex
        while n > 0 {
            let half = n / 2
            let middle = index(low, offsetBy: half)
            if try belongsInSecondPartition(self[middle]) {
                n = half
            } else {
                low = index(after: middle)
                n -= half + 1
            }
        }
        return low
    }
}
