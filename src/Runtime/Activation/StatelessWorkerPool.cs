using OrleansDist.Runtime.Messaging;

namespace OrleansDist.Runtime.Activation;

/// <summary>The local activations of one stateless worker grain id: a new one is added while all are busy, up to the limit.</summary>
internal sealed class StatelessWorkerPool(GrainId grainId, GrainClassInfo classInfo, ICatalogHost host)
{
    private readonly List<ActivationData> _workers = [];
    private int _next;

    public int Count
    {
        get
        {
            lock (_workers)
            {
                return _workers.Count;
            }
        }
    }

    public void Deliver(Message message)
    {
        ActivationData target;
        var created = false;
        lock (_workers)
        {
            target = _workers.FirstOrDefault(w => w.IsIdle)!;
            if (target is null && _workers.Count < classInfo.MaxLocalWorkers)
            {
                target = new ActivationData(grainId, classInfo, host);
                _workers.Add(target);
                created = true;
            }

            target ??= _workers[_next++ % _workers.Count];
        }

        if (!target.TryEnqueue(message))
        {
            Remove(target);
            Deliver(message);
            return;
        }

        if (created)
        {
            target.Activate();
        }
    }

    public void Remove(ActivationData activation)
    {
        lock (_workers)
        {
            _workers.Remove(activation);
        }
    }

    public IReadOnlyList<ActivationData> Snapshot()
    {
        lock (_workers)
        {
            return [.. _workers];
        }
    }
}
