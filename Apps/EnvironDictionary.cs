using System.Collections;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Resume.Apps;

/// <summary>
/// The dictionary under <see cref="Environ"/>: string keys compared ordinally, kept in the order they
/// were first set, in one array. A request's environ has some twenty keys and a few headers, which a
/// scan finds as fast as hashing would, and a dictionary cost three objects and three times the bytes
/// per request (a fifth of all a request allocated). Past <see cref="IndexedFrom"/> keys (a head
/// with many fields) an index keeps each lookup constant, so no client can make lookups costly.
/// </summary>
public abstract class EnvironDictionary : IDictionary<string, object>, IReadOnlyDictionary<string, object>
{
    private const int IndexedFrom = 32;

    private KeyValuePair<string, object>[] _entries;
    private int _count;
    private Dictionary<string, int>? _index;
    // Changed by every write, so an enumeration sees a change under it as Dictionary's does.
    private int _version;

    protected EnvironDictionary(int capacity) => _entries = new KeyValuePair<string, object>[Math.Max(capacity, 4)];

    public int Count => _count;

    public bool IsReadOnly => false;

    /// <summary>The keys, in the order they were set (a copy).</summary>
    public ICollection<string> Keys => Array.AsReadOnly(Snapshot(static entry => entry.Key));

    /// <summary>The values, in the order their keys were set (a copy).</summary>
    public ICollection<object> Values => Array.AsReadOnly(Snapshot(static entry => entry.Value));

    IEnumerable<string> IReadOnlyDictionary<string, object>.Keys => Keys;

    IEnumerable<object> IReadOnlyDictionary<string, object>.Values => Values;

    public object this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The environ has no key '{key}'.");
        set => Set(key, value, add: false);
    }

    public void Add(string key, object value) => Set(key, value, add: true);

    public void Add(KeyValuePair<string, object> item) => Add(item.Key, item.Value);

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object value)
    {
        var at = IndexOf(key);
        if (at < 0)
        {
            value = null;
            return false;
        }
        value = _entries[at].Value;
        return true;
    }

    public bool Remove(string key)
    {
        var at = IndexOf(key);
        if (at < 0)
            return false;
        RemoveAt(at);
        return true;
    }

    public bool Remove(KeyValuePair<string, object> item)
    {
        var at = IndexOf(item.Key);
        if (at < 0 || !EqualityComparer<object>.Default.Equals(_entries[at].Value, item.Value))
            return false;
        RemoveAt(at);
        return true;
    }

    public bool Contains(KeyValuePair<string, object> item) =>
        TryGetValue(item.Key, out var value) && EqualityComparer<object>.Default.Equals(value, item.Value);

    public void Clear()
    {
        Array.Clear(_entries, 0, _count);
        _count = 0;
        _index = null;
        _version++;
    }

    public void CopyTo(KeyValuePair<string, object>[] array, int arrayIndex) => Array.Copy(_entries, 0, array, arrayIndex, _count);

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        var version = _version;
        for (var i = 0; i < _count; i++)
        {
            yield return _entries[i];
            if (version != _version)
                throw new InvalidOperationException("The environ was changed while it was being enumerated.");
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// Adds <paramref name="key"/>, which the caller knows is not there yet (the server's own keys, set
    /// once as it builds the environ), without the scan for it: those scans, one per key of twenty-odd,
    /// were 3% of a pipelined request's CPU in a profile. A key added twice would be listed twice, so
    /// only the code that builds the environ calls this.
    /// </summary>
    private protected void AddNew(string key, object value)
    {
        Debug.Assert(IndexOf(key) < 0, $"The environ already has the key '{key}'.");
        if (_count == _entries.Length)
            Array.Resize(ref _entries, _count * 2);
        _entries[_count] = new(key, value);
        _index?.Add(key, _count);
        _count++;
        _version++;
    }

    /// <summary>Where <paramref name="key"/> is, or -1.</summary>
    private protected int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_index is not null)
            return _index.TryGetValue(key, out var indexed) ? indexed : -1;
        if (_count > IndexedFrom)
            return BuildIndex().TryGetValue(key, out var built) ? built : -1;
        var entries = _entries;
        for (var i = 0; i < _count; i++)
        {
            if (string.Equals(entries[i].Key, key))
                return i;
        }
        return -1;
    }

    private void Set(string key, object value, bool add)
    {
        var at = IndexOf(key);
        if (at >= 0)
        {
            if (add)
                throw new ArgumentException($"The environ already has the key '{key}'.", nameof(key));
            SetValueAt(at, value);
            return;
        }
        AddNew(key, value);
    }

    /// <summary>The value at <paramref name="at"/> (from <see cref="IndexOf"/>).</summary>
    private protected object ValueAt(int at) => _entries[at].Value;

    /// <summary>Replaces the value at <paramref name="at"/> (from <see cref="IndexOf"/>).</summary>
    private protected void SetValueAt(int at, object value)
    {
        _entries[at] = new(_entries[at].Key, value);
        _version++;
    }

    private void RemoveAt(int at)
    {
        _count--;
        Array.Copy(_entries, at + 1, _entries, at, _count - at);
        _entries[_count] = default;
        // Later keys moved down: the index is rebuilt when next needed.
        _index = null;
        _version++;
    }

    private Dictionary<string, int> BuildIndex()
    {
        var index = new Dictionary<string, int>(_count * 2, StringComparer.Ordinal);
        for (var i = 0; i < _count; i++)
            index[_entries[i].Key] = i;
        return _index = index;
    }

    private T[] Snapshot<T>(Func<KeyValuePair<string, object>, T> select)
    {
        var items = new T[_count];
        for (var i = 0; i < _count; i++)
            items[i] = select(_entries[i]);
        return items;
    }
}
