using System.Diagnostics;
using Dist.GrainInterfaces.Servers;

namespace OrleansDist.Grains.Servers;

/// <summary>
/// The session of one client connection of the actor design. Each task is one span (<c>server task</c>, source
/// <see cref="ServersTelemetry.SourceName"/>) under the grain call's span. The grain is reentrant-free on purpose: a
/// client's tasks run one after another, as on a connection of every other design. It lives on the silo whose front end
/// holds the connection (prefer-local placement): a session has no reason to send every task across the network. The
/// front end may hand the same grain one connection after another (its pool of idle sessions); a task from a new
/// connection starts the count of tasks again.
/// </summary>
[Orleans.Placement.PreferLocalPlacement]
public sealed class ServerSessionGrain(TimeProvider time, ILocalSiloDetails silo) : Grain, IServerSessionGrain
{
    private int _tasks;
    private long _connection = -1;

    public async Task<string> Run(ServerTask task)
    {
        if (task.Connection != _connection)
        {
            _connection = task.Connection;
            _tasks = 0;
        }

        using var activity = ServersTelemetry.Source.StartActivity("server task", ActivityKind.Internal);
        activity?.SetTag("orleansdist.session", this.GetPrimaryKeyString());
        activity?.SetTag("orleansdist.connection", task.Connection);
        activity?.SetTag("orleansdist.silo", silo.Name);
        activity?.SetTag("orleansdist.task_ms", task.DurationMs);
        activity?.SetTag("orleansdist.work", task.Work.ToString().ToLowerInvariant());
        activity?.SetTag("orleansdist.task_index", _tasks++);
        activity?.SetTag("orleansdist.task", task.Text.Length <= 64 ? task.Text : task.Text[..64]);
        await TaskWork.RunAsync(task.Work, TimeSpan.FromMilliseconds(task.DurationMs), time, CancellationToken.None);
        return TaskProtocol.Reply(task.Text);
    }

    public Task End()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
