// Facade of nanoFramework's System.Collections 1.5 (package nanoFramework.System.Collections), written for the
// compatibility check from the library's public API: Hashtable and the dictionary types its signature names.
// (ArrayList, ICollection and IList are in mscorlib itself.) Queue and Stack are left out: no device code uses
// them. Bodies are never run.
namespace System.Collections
{
    public class DictionaryEntry
    {
        public object Key;
        public object Value;

        public DictionaryEntry(object key, object value) { }
    }

    public interface IDictionary : ICollection, IEnumerable
    {
        bool IsFixedSize { get; }
        bool IsReadOnly { get; }
        ICollection Keys { get; }
        ICollection Values { get; }
        object this[object key] { get; set; }

        void Add(object key, object value);
        void Clear();
        bool Contains(object key);
        void Remove(object key);
    }

    public interface IDictionaryEnumerator : IEnumerator
    {
        DictionaryEntry Entry { get; }
        object Key { get; }
        object Value { get; }
    }

    public class Hashtable : ICloneable, IDictionary, ICollection, IEnumerable
    {
        public Hashtable() { }
        public Hashtable(int capacity) { }
        public Hashtable(int capacity, float loadFactor) { }

        public int Count { get { throw null; } }
        public bool IsFixedSize { get { throw null; } }
        public bool IsReadOnly { get { throw null; } }
        public bool IsSynchronized { get { throw null; } }
        public ICollection Keys { get { throw null; } }
        public object SyncRoot { get { throw null; } }
        public ICollection Values { get { throw null; } }
        public object this[object key] { get { throw null; } set { } }

        public void Add(object key, object value) { }
        public void Clear() { }
        public object Clone() { throw null; }
        public bool Contains(object key) { throw null; }
        public void CopyTo(Array array, int arrayIndex) { }
        public IEnumerator GetEnumerator() { throw null; }
        public void Remove(object key) { }
    }
}
