using Akka.Actor;

namespace Resume.Actors.Dispatch;

/// <summary>
/// Creates actors with <c>new T()</c>. <see cref="Props.Create{TActor}()"/> goes through
/// <see cref="Activator"/> with an argument array, which binds a constructor by reflection (and
/// allocates) for every actor: once per request for request actors.
/// </summary>
public sealed class NewActorProducer<T> : IIndirectActorProducer
    where T : ActorBase, new()
{
    private NewActorProducer()
    {
    }

    public Type ActorType => typeof(T);

    /// <summary>Props for <typeparamref name="T"/> in a <see cref="SmallMailbox"/>.</summary>
    public static Props SmallMailboxProps() => Props.CreateBy(new NewActorProducer<T>()).WithMailbox(SmallMailbox.Id);

    public ActorBase Produce() => new T();

    public void Release(ActorBase actor)
    {
    }
}
