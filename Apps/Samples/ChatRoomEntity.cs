using Resume.Apps.Cluster;

namespace Resume.Apps.Samples;

/// <summary>A chat room (<c>resume.cluster.entities.chat-room</c>): numbers the messages posted and keeps the last <see cref="Kept"/>.</summary>
public sealed class ChatRoomEntity(string id) : Entity<ChatRoomEntity.Room>(id, new Room(0, []))
{
    public const int Kept = 100;

    public override object? Handle(object message)
    {
        switch (message)
        {
            case Post post:
                var posted = new ChatMessage(State.LastSeq + 1, post.Author, post.Text, DateTimeOffset.UtcNow);
                State = new Room(posted.Seq, [.. State.Recent.Skip(Math.Max(0, State.Recent.Count - Kept + 1)), posted]);
                return posted;
            case ReadAfter read:
                return State.Recent.Where(m => m.Seq > read.After).ToArray();
            default:
                throw new ArgumentException($"A chat room does not take {message.GetType().Name}.");
        }
    }

    public sealed record Room(long LastSeq, IReadOnlyList<ChatMessage> Recent);

    /// <summary>Posts a message; the reply is it, numbered.</summary>
    public sealed record Post(string Author, string Text);

    /// <summary>The reply is the kept messages numbered above <paramref name="After"/>.</summary>
    public sealed record ReadAfter(long After);
}

/// <summary>A message of a chat room, numbered from 1 in the order the room took them.</summary>
public sealed record ChatMessage(long Seq, string Author, string Text, DateTimeOffset At);
