namespace Resume.Actors.Logging;

/// <summary>How an access-log line is written (<c>resume.access-log.format</c>).</summary>
public enum AccessLogFormat
{
    /// <summary>NCSA Common Log Format, as Apache's and nginx's <c>common</c>, with the request id and times after it.</summary>
    Common,

    /// <summary>Common plus the referer and the user agent, as Apache's and nginx's <c>combined</c>.</summary>
    Combined,

    /// <summary>One JSON object per line.</summary>
    Json,
}
