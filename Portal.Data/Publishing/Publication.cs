namespace Portal.Data.Publishing;

/// <summary>
/// Who may read a record besides its owners and consortium admins: nobody (private), nobody until a date
/// (embargoed, then public by itself, <c>EmbargoRelease</c>), or everyone, signed in or not (public).
/// </summary>
public enum Publication
{
    Private,
    Embargoed,
    Public,
}

/// <summary>A record with a publication state: SKUs and deployments.</summary>
public interface IPublishable
{
    Publication Publication { get; set; }

    /// <summary>When an embargoed record turns public; set exactly when <see cref="Publication"/> is embargoed.</summary>
    DateTimeOffset? EmbargoUntil { get; set; }
}
