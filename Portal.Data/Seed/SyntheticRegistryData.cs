using Portal.Data.Deployments;
using Portal.Data.Organizations;
using Portal.Data.Skus;

namespace Portal.Data.Seed;

/// <summary>The rows of the synthetic registry, drawn from a seeded generator (see <see cref="SyntheticRegistry"/>).</summary>
internal sealed class SyntheticRegistryData
{
    public List<Organization> Organizations { get; } = [];
    public List<HardwareSku> Skus { get; } = [];
    public List<SovereignDeployment> Deployments { get; } = [];
    public List<DeploymentParticipant> Participants { get; } = [];
    public List<HardwareLine> HardwareLines { get; } = [];
    public List<Milestone> Milestones { get; } = [];

    // Where sites are: a country, a region and a centre to scatter sites around.
    private static readonly (string Country, string Region, double Lat, double Lon)[] Regions =
    [
        ("KR", "Gyeonggi-do", 37.4, 127.2), ("KR", "Jeollanam-do", 34.8, 126.7), ("KR", "Gyeongsangbuk-do", 36.2, 128.9),
        ("KR", "Chungcheongbuk-do", 36.7, 127.7), ("US", "Texas", 31.5, -98.5), ("US", "Virginia", 38.0, -78.5),
        ("US", "Arizona", 33.6, -112.0), ("JP", "Hokkaido", 43.1, 142.4), ("JP", "Kyushu", 33.3, 130.6),
        ("DE", "Hessen", 50.3, 8.7), ("FR", "Île-de-France", 48.8, 2.4), ("GB", "North East", 55.0, -1.6),
        ("NO", "Nordland", 67.3, 14.8), ("AE", "Abu Dhabi", 24.4, 54.5), ("SA", "Riyadh", 24.7, 46.7),
        ("IN", "Maharashtra", 19.1, 73.0), ("SG", "Singapore", 1.35, 103.8), ("TW", "Taoyuan", 24.9, 121.2),
        ("CA", "Quebec", 46.8, -71.2), ("BR", "São Paulo", -23.5, -46.6),
    ];

    private static readonly string[] Syllables = ["han", "bit", "sol", "ra", "mir", "nu", "ae", "gi", "dal", "ta", "ven", "or", "kai", "lum", "zen", "co", "pri", "sa"];
    private static readonly string[] CompanySuffixes = ["Semiconductor", "Systems", "Compute", "Cloud", "Silicon", "Labs", "Energy", "Networks", "Data Centers", "Microdevices"];
    private static readonly string[] SkuSeries = ["X", "N", "Q", "R", "Core", "Atlas", "Volt", "Nova", "Edge", "Prime"];
    private static readonly string[] MemoryTypes = ["HBM3", "HBM3E", "HBM2e", "GDDR6", "GDDR7", "LPDDR5X", "DDR5"];
    private static readonly string[] Processes = ["TSMC N3", "TSMC 4N", "TSMC N5", "Samsung SF4X", "Samsung SF3", "Intel 3", "TSMC N7"];
    private static readonly string[] FormFactors = ["SXM", "OAM", "PCIe", "board", "stack", "1U", "2U"];
    private static readonly string[] Stacks = ["CUDA", "ROCm / HIP", "oneAPI", "OpenCL", "vendor SDK", "XLA"];
    private static readonly string[] MilestoneTitles = ["Announced", "Site acquired", "Permits granted", "Groundbreaking", "Power connection", "First hall online", "First accelerators installed", "Full capacity"];

    public static SyntheticRegistryData Generate(int organizations, int seed, DateTimeOffset now)
    {
        var random = new Random(seed);
        var data = new SyntheticRegistryData();
        var today = DateOnly.FromDateTime(now.UtcDateTime);

        var kinds = Enum.GetValues<OrganizationKind>();
        for (var i = 0; i < organizations; i++)
        {
            // About a tenth are chip designers (the SKU vendors) and one in twenty-five a ministry.
            var kind = i % 10 == 0 ? OrganizationKind.ChipDesigner
                : i % 25 == 1 ? OrganizationKind.Ministry
                : kinds[random.Next(kinds.Length)];
            var region = Pick(random, Regions);
            var name = kind == OrganizationKind.Ministry
                ? $"Ministry of Digital Affairs {Word(random)} {i:D5}"
                : $"{Word(random)}{Word(random)} {Pick(random, CompanySuffixes)} {i:D5}";
            data.Organizations.Add(new Organization { Name = name, Kind = kind, Country = region.Country, Website = $"https://org{i}.example.com" });
        }

        var vendors = data.Organizations.Where(o => o.Kind == OrganizationKind.ChipDesigner).ToList();
        var ministries = data.Organizations.Where(o => o.Kind == OrganizationKind.Ministry).ToList();
        var categories = Enum.GetValues<SkuCategory>();
        var lifecycles = Enum.GetValues<SkuLifecycle>();
        for (var i = 0; i < organizations * 10; i++)
        {
            var vendor = vendors[i % vendors.Count];
            var category = i % 3 == 0 ? SkuCategory.Gpu : categories[random.Next(categories.Length)];
            var accelerator = SkuCategories.Accelerators.Contains(category);
            var known = random.NextDouble() < 0.8; // a fifth have unpublished figures
            data.Skus.Add(new HardwareSku
            {
                VendorId = vendor.Id,
                Name = $"{Pick(random, SkuSeries)}{random.Next(1, 999)} {i:D6}",
                Category = category,
                MemoryGb = known ? Math.Round(8 + random.NextDouble() * 280) : null,
                MemoryType = Pick(random, MemoryTypes),
                MemoryBandwidthTbs = known ? Math.Round(0.5 + random.NextDouble() * 9, 2) : null,
                Bf16Tflops = accelerator && known ? Math.Round(50 + random.NextDouble() * 2500) : null,
                Fp8Tflops = accelerator && known ? Math.Round(100 + random.NextDouble() * 5000) : null,
                Int8Tops = accelerator && known && random.Next(2) == 0 ? Math.Round(100 + random.NextDouble() * 5000) : null,
                TdpW = known ? Math.Round(75 + random.NextDouble() * 1200) : null,
                Process = Pick(random, Processes),
                FormFactor = Pick(random, FormFactors),
                SoftwareStack = accelerator ? Pick(random, Stacks) : null,
                Languages = accelerator ? KernelLanguages.Names.Where(_ => random.Next(2) == 0).ToList() : [],
                Lifecycle = lifecycles[random.Next(lifecycles.Length)],
                ReleaseMonth = new DateOnly(2018 + random.Next(9), 1 + random.Next(12), 1),
            });
        }

        var accelerators = data.Skus.Where(s => SkuCategories.Accelerators.Contains(s.Category)).ToList();
        var statuses = Enum.GetValues<DeploymentStatus>();
        var roles = Enum.GetValues<ParticipantRole>();
        for (var i = 0; i < organizations; i++)
        {
            var region = Pick(random, Regions);
            var ministry = random.Next(5) == 0 ? null : ministries[random.Next(ministries.Count)];
            var planned = random.Next(8) == 0 ? (double?)null : Math.Round(5 + random.NextDouble() * 995);
            var deployment = new SovereignDeployment
            {
                Name = $"{region.Region} AI Campus {i:D5}",
                Country = region.Country,
                Region = region.Region,
                Site = $"Site {Word(random)}{Word(random)}",
                Latitude = Math.Clamp(Math.Round(region.Lat + (random.NextDouble() - 0.5) * 2, 3), -90, 90),
                Longitude = Math.Round(region.Lon + (random.NextDouble() - 0.5) * 2, 3),
                MinistryId = ministry?.Id,
                Status = statuses[random.Next(statuses.Length)],
                PlannedMw = planned,
                InstalledMw = planned is { } p ? Math.Round(p * random.NextDouble() * 0.6) : null,
                EnergySources = EnergySources.All.Where(_ => random.Next(3) == 0).DefaultIfEmpty("grid").ToList(),
                BudgetAmount = random.Next(3) == 0 ? null : (decimal)Math.Round(1e8 + random.NextDouble() * 5e10),
                SourceUrls = [$"https://news{i % 50}.example.com/{i}"],
                Notes = "Synthetic load-test data.",
            };
            deployment.BudgetCurrency = deployment.BudgetAmount is null ? null : region.Country == "KR" ? "KRW" : "USD";
            data.Deployments.Add(deployment);

            foreach (var organization in Enumerable.Range(0, 1 + random.Next(4)).Select(_ => data.Organizations[random.Next(organizations)]).DistinctBy(o => o.Id))
                data.Participants.Add(new DeploymentParticipant { DeploymentId = deployment.Id, OrganizationId = organization.Id, Role = roles[random.Next(roles.Length)] });

            foreach (var sku in Enumerable.Range(0, random.Next(6)).Select(_ => accelerators[random.Next(accelerators.Count)]).DistinctBy(s => s.Id))
            {
                var units = 100 * (1 + random.Next(500));
                data.HardwareLines.Add(new HardwareLine { DeploymentId = deployment.Id, SkuId = sku.Id, PlannedUnits = units, InstalledUnits = random.Next(units + 1) });
            }

            var date = today.AddDays(-random.Next(900));
            foreach (var title in MilestoneTitles.Take(2 + random.Next(5)))
            {
                date = date.AddDays(30 + random.Next(300));
                var status = date < today ? (random.Next(4) == 0 ? MilestoneStatus.Slipped : MilestoneStatus.Done) : MilestoneStatus.Planned;
                data.Milestones.Add(new Milestone { DeploymentId = deployment.Id, Date = date, Title = title, Status = status });
            }
        }
        return data;
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string Word(Random random)
    {
        var word = Pick(random, Syllables) + Pick(random, Syllables);
        return char.ToUpperInvariant(word[0]) + word[1..];
    }
}
