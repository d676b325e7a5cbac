using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Organizations;
using Portal.Data;
using Portal.Data.Skus;

namespace Portal.Api.Skus;

/// <summary>The rules for a SKU's fields, used by the API and the UI's form alike.</summary>
public static class SkuValidator
{
    public const int NameLength = 200;
    public const int TextLength = 200;
    public const int UrlLength = 500;
    public const int PatternLength = 100;
    public const int MaxPatterns = 20;
    public const int MaxComponents = 50;
    public const int MaxComponentCount = 1000;

    /// <summary>Upper bounds well past any product on the market, so that a typo (a missing decimal point) is caught.</summary>
    public static readonly IReadOnlyList<Figure> Figures =
    [
        new("memoryGb", "MemoryGb", 100_000),
        new("memoryBandwidthTbs", "MemoryBandwidthTbs", 100),
        new("bf16Tflops", "Bf16Tflops", 1_000_000),
        new("fp8Tflops", "Fp8Tflops", 1_000_000),
        new("int8Tops", "Int8Tops", 1_000_000),
        new("tdpW", "TdpW", 20_000),
    ];

    public sealed record Figure(string Field, string Label, double Max);

    public sealed record Valid(
        Guid VendorId, string Name, SkuCategory Category, SkuLifecycle Lifecycle,
        double? MemoryGb, string? MemoryType, double? MemoryBandwidthTbs, double? Bf16Tflops, double? Fp8Tflops, double? Int8Tops, double? TdpW,
        string? Process, string? FormFactor, string? SoftwareStack, List<string> Languages, DateOnly? ReleaseMonth, string? DatasheetUrl,
        List<string> DeviceNamePatterns, List<(Guid ComponentSkuId, int Count)> Components);

    public static async Task<(Valid? Value, ValidationErrors Errors)> ValidateAsync(
        PortalDbContext db, SkuInput input, Guid? existingId, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (input.VendorId is null)
            errors.Add("vendorId", Localized<SharedText>.Format("Required", Label("Vendor")));
        else if (!await db.Organizations.AnyAsync(o => o.Id == input.VendorId, cancellationToken))
            errors.Add("vendorId", Localized<SkuText>.Format("VendorUnknown", input.VendorId));

        var name = errors.Text("name", input.Name, NameLength, required: true, Label("Name"));
        var category = Choice<SkuCategory>(errors, "category", input.Category, "Category");
        var lifecycle = Choice<SkuLifecycle>(errors, "lifecycle", input.Lifecycle, "Lifecycle");

        var figures = new[] { input.MemoryGb, input.MemoryBandwidthTbs, input.Bf16Tflops, input.Fp8Tflops, input.Int8Tops, input.TdpW };
        for (var i = 0; i < Figures.Count; i++)
            CheckFigure(errors, Figures[i], figures[i]);

        var memoryType = errors.Text("memoryType", input.MemoryType, TextLength, required: false, Label("MemoryType"));
        var process = errors.Text("process", input.Process, TextLength, required: false, Label("Process"));
        var formFactor = errors.Text("formFactor", input.FormFactor, TextLength, required: false, Label("FormFactor"));
        var softwareStack = errors.Text("softwareStack", input.SoftwareStack, TextLength, required: false, Label("SoftwareStack"));
        var languages = Languages(errors, input.Languages);
        var releaseMonth = ReleaseMonth(errors, input.ReleaseMonth);

        var datasheetUrl = errors.Text("datasheetUrl", input.DatasheetUrl, UrlLength, required: false, Label("DatasheetUrl"));
        if (datasheetUrl is not null && !OrganizationValidator.IsWebUrl(datasheetUrl))
            errors.Add("datasheetUrl", Localized<SkuText>.Get("DatasheetUrlInvalid"));

        var patterns = Patterns(errors, input.DeviceNamePatterns);
        var components = await ComponentsAsync(db, errors, input.Components, existingId, cancellationToken);

        if (name is not null && input.VendorId is { } vendorId && await NameTakenAsync(db, vendorId, name, existingId, cancellationToken))
            errors.Add("name", Localized<SkuText>.Format("NameTaken", name));

        return errors.Any
            ? (null, errors)
            : (new Valid(input.VendorId!.Value, name!, category, lifecycle,
                input.MemoryGb, memoryType, input.MemoryBandwidthTbs, input.Bf16Tflops, input.Fp8Tflops, input.Int8Tops, input.TdpW,
                process, formFactor, softwareStack, languages, releaseMonth, datasheetUrl, patterns, components), errors);
    }

    /// <summary>The field's name as a person reads it, in the current language.</summary>
    public static string Label(string key) => Localized<SkuText>.Get("Field" + key);

    /// <summary>"2024-03" → the first of March 2024; null when the text is not a month.</summary>
    public static DateOnly? ParseMonth(string text) =>
        DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month)
        && month.Year is >= 1970 and <= 2100
            ? month
            : null;

    public static string? FormatMonth(DateOnly? month) => month?.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static TEnum Choice<TEnum>(ValidationErrors errors, string field, string? text, string label) where TEnum : struct, Enum
    {
        var trimmed = errors.Text(field, text, 40, required: true, Label(label));
        if (trimmed is not null && Naming.TryParseSnakeCase<TEnum>(trimmed, out var value))
            return value;
        if (trimmed is not null)
            errors.Add(field, Localized<SkuText>.Format("ChoiceInvalid", Label(label), string.Join(", ", Enum.GetValues<TEnum>().Select(Naming.ToSnakeCase))));
        return default;
    }

    private static void CheckFigure(ValidationErrors errors, Figure figure, double? value)
    {
        if (value is not { } v)
            return;
        if (double.IsNaN(v) || double.IsInfinity(v) || v <= 0)
            errors.Add(figure.Field, Localized<SkuText>.Format("FigureNotPositive", Label(figure.Label)));
        else if (v > figure.Max)
            errors.Add(figure.Field, Localized<SkuText>.Format("FigureTooLarge", Label(figure.Label), figure.Max));
    }

    private static List<string> Languages(ValidationErrors errors, IReadOnlyList<string>? languages)
    {
        var valid = new List<string>();
        foreach (var language in languages ?? [])
        {
            var trimmed = language?.Trim().ToLowerInvariant() ?? "";
            if (KernelLanguages.Names.Contains(trimmed))
            {
                if (!valid.Contains(trimmed))
                    valid.Add(trimmed);
            }
            else
            {
                errors.Add("languages", Localized<SkuText>.Format("LanguageUnknown", language, string.Join(", ", KernelLanguages.Names)));
            }
        }
        return valid;
    }

    private static DateOnly? ReleaseMonth(ValidationErrors errors, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var month = ParseMonth(text.Trim());
        if (month is null)
            errors.Add("releaseMonth", Localized<SkuText>.Format("ReleaseMonthInvalid", text.Trim()));
        return month;
    }

    private static List<string> Patterns(ValidationErrors errors, IReadOnlyList<string>? patterns)
    {
        var valid = new List<string>();
        var given = patterns ?? [];
        if (given.Count > MaxPatterns)
            errors.Add("deviceNamePatterns", Localized<SkuText>.Format("PatternsTooMany", MaxPatterns));
        for (var i = 0; i < given.Count; i++)
        {
            var trimmed = given[i]?.Trim() ?? "";
            if (trimmed.Length == 0)
                errors.Add("deviceNamePatterns", Localized<SkuText>.Format("PatternEmpty", i + 1));
            else if (trimmed.Length > PatternLength)
                errors.Add("deviceNamePatterns", Localized<SkuText>.Format("PatternTooLong", i + 1, PatternLength));
            else if (!DeviceNamePatterns.IsSpecific(trimmed))
                errors.Add("deviceNamePatterns", Localized<SkuText>.Format("PatternTooVague", i + 1, DeviceNamePatterns.MinimumLettersOrDigits));
            else if (!valid.Contains(trimmed, StringComparer.OrdinalIgnoreCase))
                valid.Add(trimmed);
        }
        return valid;
    }

    private static async Task<List<(Guid, int)>> ComponentsAsync(
        PortalDbContext db, ValidationErrors errors, IReadOnlyList<SkuComponentInput>? components, Guid? existingId, CancellationToken cancellationToken)
    {
        var given = components ?? [];
        if (given.Count > MaxComponents)
            errors.Add("components", Localized<SkuText>.Format("ComponentsTooMany", MaxComponents));
        var ids = given.Where(c => c?.ComponentSkuId is not null).Select(c => c.ComponentSkuId!.Value).Distinct().ToList();
        var known = ids.Count == 0
            ? []
            : await db.HardwareSkus.Where(s => ids.Contains(s.Id)).Select(s => s.Id).ToListAsync(cancellationToken);

        var valid = new List<(Guid, int)>();
        var seen = new HashSet<Guid>();
        for (var i = 0; i < given.Count; i++)
        {
            var component = given[i];
            var idField = $"components[{i}].componentSkuId";
            var countField = $"components[{i}].count";
            var idValid = false;
            if (component?.ComponentSkuId is not { } id)
                errors.Add(idField, Localized<SkuText>.Format("ComponentRequired", i + 1));
            else if (id == existingId)
                errors.Add(idField, Localized<SkuText>.Format("ComponentSelf", i + 1));
            else if (!known.Contains(id))
                errors.Add(idField, Localized<SkuText>.Format("ComponentUnknown", i + 1, id));
            else if (!seen.Add(id))
                errors.Add(idField, Localized<SkuText>.Format("ComponentDuplicate", i + 1));
            else
                idValid = true;

            if (component?.Count is not { } count || count < 1 || count > MaxComponentCount)
                errors.Add(countField, Localized<SkuText>.Format("ComponentCount", i + 1, MaxComponentCount));
            else if (idValid)
                valid.Add((component.ComponentSkuId!.Value, count));
        }
        return valid;
    }

    private static Task<bool> NameTakenAsync(PortalDbContext db, Guid vendorId, string name, Guid? existingId, CancellationToken cancellationToken)
    {
        var lowered = name.ToLowerInvariant();
        return db.HardwareSkus.AnyAsync(s => s.VendorId == vendorId && s.Name.ToLower() == lowered && s.Id != existingId, cancellationToken);
    }
}
