using Portal.Data;

namespace Portal.Tests.Integration;

/// <summary>
/// The queue's SQL compares job statuses as text and the portal's queries compare verdicts as text: the names they use
/// come from Portal.Contracts, and must be exactly what the database stores for each enum value.
/// </summary>
public sealed class StatusVocabularyTests
{
    [Fact]
    public void Every_job_status_name_is_what_the_database_stores()
    {
        var converter = new SnakeCaseEnumConverter<JobStatus>();
        foreach (var status in Enum.GetValues<JobStatus>())
            Assert.Equal(converter.ConvertToProvider(status), status.Name());
    }

    [Fact]
    public void Job_status_names_are_distinct_and_parse_back()
    {
        var names = Enum.GetValues<JobStatus>().Select(s => s.Name()).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        var converter = new SnakeCaseEnumConverter<JobStatus>();
        foreach (var status in Enum.GetValues<JobStatus>())
            Assert.Equal(status, converter.ConvertFromProvider(status.Name()));
    }

    [Fact]
    public void Verdict_names_are_the_result_contracts_snake_case()
    {
        Assert.Equal(
            ["passed", "failed", "compile_error", "runtime_error", "timeout", "crashed", "unsupported", "invalid_spec"],
            Enum.GetValues<KernelStatus>().Select(s => s.Name()));
        Assert.Equal(KernelStatuses.PassedName, KernelStatus.Passed.Name());
    }
}
