namespace Resume.Actors.Metrics;

/// <summary>
/// The tags of one series, kept as given. <see cref="Comparer"/> also compares a stored set with the
/// span a measurement arrives with, so finding an existing series allocates nothing.
/// </summary>
internal sealed class TagSet(KeyValuePair<string, object?>[] tags)
{
    private readonly KeyValuePair<string, object?>[] _tags = tags;
    private readonly int _hash = Hash(tags);

    public IReadOnlyList<KeyValuePair<string, object?>> Tags => _tags;

    private static int Hash(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = new HashCode();
        foreach (var (key, value) in tags)
        {
            hash.Add(key);
            hash.Add(value);
        }
        return hash.ToHashCode();
    }

    private static bool Same(ReadOnlySpan<KeyValuePair<string, object?>> a, ReadOnlySpan<KeyValuePair<string, object?>> b)
    {
        if (a.Length != b.Length)
            return false;
        for (var i = 0; i < a.Length; i++)
        {
            if (!string.Equals(a[i].Key, b[i].Key, StringComparison.Ordinal) || !Equals(a[i].Value, b[i].Value))
                return false;
        }
        return true;
    }

    public sealed class Comparer : IEqualityComparer<TagSet>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, TagSet>
    {
        public static readonly Comparer Instance = new();

        public bool Equals(TagSet? x, TagSet? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x._hash == y._hash && Same(x._tags, y._tags));

        public int GetHashCode(TagSet obj) => obj._hash;

        public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> alternate, TagSet other) => Same(alternate, other._tags);

        public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => Hash(alternate);

        public TagSet Create(ReadOnlySpan<KeyValuePair<string, object?>> alternate) => new(alternate.ToArray());
    }
}
