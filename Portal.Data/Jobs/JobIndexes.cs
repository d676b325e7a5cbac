namespace Portal.Data.Jobs;

/// <summary>What a query says to be served by one of the jobs table's partial indexes (see JobConfiguration).</summary>
public static class JobIndexes
{
    /// <summary>
    /// The filter of ix_jobs_queued_age: queued jobs, by age, for the reaper and the operations page. A query uses the
    /// index only when its own conditions include this one: the LINQ form is <c>j.Status == JobStatus.Queued &amp;&amp;
    /// j.Attempts &gt;= 0</c>. The lease statement does not say "attempts &gt;= 0", so the planner cannot pick it there.
    /// </summary>
    public const string QueuedByAgeSql = $"status = '{JobStatuses.QueuedName}' and attempts >= 0";
}
