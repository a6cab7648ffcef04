using System;
using System.Threading;

namespace SharedStateAnalyzers.Model;

/// <summary>
/// A value built once, on first use, and shared after that (a compilation's word index, its derived types). Callers
/// that arrive during the build wait for it; a cancelled build leaves nothing behind, and the next caller builds again.
/// </summary>
internal sealed class BuiltOnce<T>
    where T : class
{
    private readonly object _gate = new();
    private T? _value;

    public T Get<TState>(TState state, Func<TState, CancellationToken, T> build, CancellationToken cancellationToken)
    {
        var value = Volatile.Read(ref _value);
        if (value is not null)
        {
            return value;
        }

        lock (_gate)
        {
            _value ??= build(state, cancellationToken);
            return _value;
        }
    }
}
