namespace Portal.Api.Deployments;

/// <summary>Bounds beyond which a figure is a typing error rather than a plan.</summary>
public static class DeploymentLimits
{
    public const int NameLength = 200;
    public const int TextLength = 200;
    public const int NotesLength = 4000;
    public const int UrlLength = 500;
    public const int MaxSourceUrls = 20;
    public const int MaxParticipants = 50;
    public const int NoteLength = 1000;

    /// <summary>The largest campus announced is a few GW; 100 GW is beyond any plan.</summary>
    public const double MaxMw = 100_000;
    public const long MaxUnits = 10_000_000;

    /// <summary>Fits the budget column (numeric(20, 2)) with room to spare.</summary>
    public const decimal MaxBudget = 1_000_000_000_000_000m;

    public static readonly DateOnly EarliestMilestone = new(1990, 1, 1);
    public static readonly DateOnly LatestMilestone = new(2100, 12, 31);
}
