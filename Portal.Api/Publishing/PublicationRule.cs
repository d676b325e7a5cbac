using Portal.Api.Common;
using Portal.Data.Publishing;

namespace Portal.Api.Publishing;

/// <summary>A record's publication as the API shows it: its state and, when embargoed, the date it turns public.</summary>
public sealed record PublicationDto(Publication State, DateTimeOffset? EmbargoUntil)
{
    public static readonly PublicationDto Public = new(Publication.Public, null);
}

/// <summary>
/// How an owner sets a record's publication (SKU and deployment forms and API alike): <c>private</c>, <c>public</c>, or
/// <c>embargoed</c> with a future <c>embargoUntil</c>. Left out, the state stays as it is (public for a new record).
/// </summary>
public static class PublicationRule
{
    public static PublicationDto Read(string? publication, DateTimeOffset? embargoUntil, PublicationDto current, DateTimeOffset now,
        ValidationErrors errors)
    {
        var state = current.State;
        if (publication is not null)
        {
            var text = publication.Trim();
            if (!Enum.TryParse(text, ignoreCase: true, out state) || !Enum.IsDefined(state) || text.Any(char.IsDigit))
            {
                errors.Add("publication", Localized<PublishingText>.Format("PublicationInvalid", publication));
                return current;
            }
        }
        if (state != Publication.Embargoed)
            return new PublicationDto(state, null);
        var until = embargoUntil ?? (publication is null ? current.EmbargoUntil : null);
        if (until is null)
            errors.Add("embargoUntil", Localized<PublishingText>.Get("EmbargoDateRequired"));
        else if (until <= now && until != current.EmbargoUntil)
            errors.Add("embargoUntil", Localized<PublishingText>.Get("EmbargoDatePast"));
        return new PublicationDto(state, until);
    }

    /// <summary>
    /// A test's embargo: a private test may carry the date its source and results turn public (EmbargoRelease); a
    /// consortium-visible one is public already, so it may not. Null keeps a private test private until its owner changes it.
    /// </summary>
    public static DateTimeOffset? ReadTestEmbargo(bool isPrivate, DateTimeOffset? embargoUntil, DateTimeOffset? current, DateTimeOffset now,
        ValidationErrors errors)
    {
        if (embargoUntil is null)
            return null;
        if (!isPrivate)
            errors.Add("embargoUntil", Localized<PublishingText>.Get("EmbargoOnlyPrivateTest"));
        else if (embargoUntil <= now && embargoUntil != current)
            errors.Add("embargoUntil", Localized<PublishingText>.Get("EmbargoDatePast"));
        return embargoUntil;
    }

    public static void Apply(IPublishable record, PublicationDto publication)
    {
        record.Publication = publication.State;
        record.EmbargoUntil = publication.EmbargoUntil;
    }
}
