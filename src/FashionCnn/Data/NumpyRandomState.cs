namespace FashionCnn.Data;

/// <summary>
/// numpy's legacy <c>np.random.RandomState(seed)</c>, bit for bit for the calls this tool needs: MT19937
/// seeded with <c>init_genrand</c>, and <c>permutation(n)</c> as numpy's Fisher–Yates shuffle whose bounded
/// draws take 32-bit outputs masked to the smallest covering power of two and reject those above the bound
/// (numpy/random/src/distributions: random_interval). scikit-learn's <c>train_test_split(random_state=42)</c>
/// is a permutation from <c>RandomState(42)</c>, so this reproduces the book's split exactly.
/// </summary>
public sealed class NumpyRandomState
{
    private const int N = 624, M = 397;
    private const uint MatrixA = 0x9908b0df, UpperMask = 0x80000000, LowerMask = 0x7fffffff;

    private readonly uint[] _state = new uint[N];
    private int _position;

    public NumpyRandomState(uint seed)
    {
        _state[0] = seed;
        for (int i = 1; i < N; i++)
            _state[i] = 1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30)) + (uint)i;
        _position = N;
    }

    /// <summary>The next 32-bit output of MT19937 (numpy's <c>mt19937_next32</c>).</summary>
    public uint NextUInt32()
    {
        if (_position >= N) Twist();
        uint y = _state[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>A uniform integer in [0, max], drawn as numpy's <c>random_interval</c> does for max below 2^32.</summary>
    public uint Interval(uint max)
    {
        if (max == 0) return 0;
        uint mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max) { }
        return value;
    }

    /// <summary><c>RandomState.permutation(n)</c>: 0..n-1 shuffled from the last position down.</summary>
    public int[] Permutation(int n)
    {
        var values = new int[n];
        for (int i = 0; i < n; i++) values[i] = i;
        for (int i = n - 1; i >= 1; i--)
        {
            int j = (int)Interval((uint)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
        return values;
    }

    private void Twist()
    {
        for (int i = 0; i < N; i++)
        {
            uint y = (_state[i] & UpperMask) | (_state[(i + 1) % N] & LowerMask);
            _state[i] = _state[(i + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0u);
        }
        _position = 0;
    }
}
