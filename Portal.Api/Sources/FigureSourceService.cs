using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Deployments;
using Portal.Api.Organizations;
using Portal.Api.Skus;
using Portal.Data;
using Portal.Data.Sources;

namespace Portal.Api.Sources;

/// <summary>
/// Sources of the published figures of SKUs and deployments: read with the record, changed by whoever may edit the record
/// (<see cref="SkuService.CanEdit"/>, <see cref="DeploymentAccess.CanEdit(Caller, Guid?, IEnumerable{Guid})"/>), each
/// change in the record's audit history.
/// </summary>
public sealed class FigureSourceService(PortalDbContext db, IDbContextFactory<PortalDbContext> contexts)
{
    public const int ExportChunk = 500;

    /// <param name="caller">Null for a reader who is not signed in: sources are read like the record they belong to.</param>
    public async Task<Outcome<FigureSourcesDto>> ListAsync(Caller? caller, FigureOwner owner, Guid id, CancellationToken cancellationToken)
    {
        if (await EditRuleAsync(caller, owner, id, cancellationToken) is not { } mayEdit)
            return NotFound<FigureSourcesDto>(owner, id);
        var rows = await Of(db, owner, [id]).OrderBy(s => s.Figure).ToListAsync(cancellationToken);
        return new FigureSourcesDto(owner, id, SourcedFigures.Of(owner), [.. rows.Select(ToDto)], caller is not null && mayEdit(caller));
    }

    /// <summary>Sets (adds or replaces) the source of one figure.</summary>
    public async Task<Outcome<FigureSourceDto>> SetAsync(Caller caller, FigureOwner owner, Guid id, string figure, FigureSourceInput input,
        CancellationToken cancellationToken)
    {
        if (await EditRuleAsync(caller, owner, id, cancellationToken) is not { } mayEdit)
            return NotFound<FigureSourceDto>(owner, id);
        if (!mayEdit(caller))
            return new Outcome<FigureSourceDto>.Forbidden(Localized<SourceText>.Get("Forbidden"));

        var errors = new ValidationErrors();
        if (!SourcedFigures.Of(owner).Contains(figure))
            errors.Add("figure", Localized<SourceText>.Format("UnknownFigure", figure, string.Join(", ", SourcedFigures.Of(owner))));
        var reference = errors.Text("reference", input.Reference, FigureSource.ReferenceLength, required: true,
            Localized<SourceText>.Get("Field.Reference"));
        if (reference is not null && LooksLikeUrl(reference) && !OrganizationValidator.IsWebUrl(reference))
            errors.Add("reference", Localized<SourceText>.Get("ReferenceUrlInvalid"));
        var note = errors.Text("note", input.Note, FigureSource.NoteLength, required: false, Localized<SourceText>.Get("Field.Note"));
        if (input.Date is { } date && date > DateOnly.FromDateTime(db.Now.UtcDateTime).AddDays(1))
            errors.Add("date", Localized<SourceText>.Get("DateInFuture"));
        if (errors.Any)
            return errors.ToOutcome<FigureSourceDto>();

        var source = await Of(db, owner, [id], tracked: true).FirstOrDefaultAsync(s => s.Figure == figure, cancellationToken);
        if (source is null)
        {
            source = new FigureSource
            {
                SkuId = owner == FigureOwner.Sku ? id : null,
                DeploymentId = owner == FigureOwner.Deployment ? id : null,
                Figure = figure,
                Reference = reference!,
            };
            db.FigureSources.Add(source);
        }
        source.Reference = reference!;
        source.Date = input.Date;
        source.Note = note;
        source.UpdatedAt = db.Now;
        var dto = ToDto(source);
        return await db.SaveAsAsync(caller, cancellationToken) switch
        {
            SaveResult.Saved => dto,
            _ => new Outcome<FigureSourceDto>.Conflict(Localized<SourceText>.Get("Conflict")),
        };
    }

    public async Task<Outcome<bool>> RemoveAsync(Caller caller, FigureOwner owner, Guid id, string figure, CancellationToken cancellationToken)
    {
        if (await EditRuleAsync(caller, owner, id, cancellationToken) is not { } mayEdit)
            return NotFound<bool>(owner, id);
        if (!mayEdit(caller))
            return new Outcome<bool>.Forbidden(Localized<SourceText>.Get("Forbidden"));
        var source = await Of(db, owner, [id], tracked: true).FirstOrDefaultAsync(s => s.Figure == figure, cancellationToken);
        if (source is null)
            return new Outcome<bool>.NotFound(Localized<SourceText>.Format("SourceNotFound", figure));
        db.FigureSources.Remove(source);
        return await db.SaveAsAsync(caller, cancellationToken) == SaveResult.Saved
            ? true
            : new Outcome<bool>.Conflict(Localized<SourceText>.Get("Conflict"));
    }

    /// <summary>
    /// The rows of an export with their sources, read a chunk of rows at a time on a context of its own (the rows stream from
    /// the request's context, which cannot run a second query meanwhile).
    /// </summary>
    public async IAsyncEnumerable<(T Row, IReadOnlyDictionary<string, FigureSourceDto> Sources)> WithSourcesAsync<T>(
        IAsyncEnumerable<T> rows, Func<T, Guid> idOf, FigureOwner owner, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var chunk = new List<T>(ExportChunk);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            chunk.Add(row);
            if (chunk.Count < ExportChunk)
                continue;
            foreach (var sourced in await SourceChunkAsync(chunk, idOf, owner, cancellationToken))
                yield return sourced;
            chunk.Clear();
        }
        foreach (var sourced in await SourceChunkAsync(chunk, idOf, owner, cancellationToken))
            yield return sourced;
    }

    private async Task<List<(T, IReadOnlyDictionary<string, FigureSourceDto>)>> SourceChunkAsync<T>(List<T> chunk, Func<T, Guid> idOf,
        FigureOwner owner, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
            return [];
        var ids = chunk.Select(idOf).ToList();
        await using var context = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await Of(context, owner, ids).ToListAsync(cancellationToken);
        var byOwner = rows.GroupBy(s => (s.SkuId ?? s.DeploymentId)!.Value)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, FigureSourceDto>)g.ToDictionary(s => s.Figure, ToDto));
        IReadOnlyDictionary<string, FigureSourceDto> none = new Dictionary<string, FigureSourceDto>();
        return [.. chunk.Select(row => (row, byOwner.GetValueOrDefault(idOf(row)) ?? none))];
    }

    /// <summary>The CSV columns a kind of record's sources add: reference, date and note per figure.</summary>
    public static IEnumerable<string> CsvHeader(FigureOwner owner) =>
        SourcedFigures.Of(owner).SelectMany(f => new[] { $"{f}_source", $"{f}_source_date", $"{f}_source_note" });

    public static IEnumerable<object?> CsvCells(FigureOwner owner, IReadOnlyDictionary<string, FigureSourceDto> sources) =>
        SourcedFigures.Of(owner).SelectMany(f => sources.TryGetValue(f, out var s)
            ? new object?[] { s.Reference, s.Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), s.Note }
            : [null, null, null]);

    /// <summary>Who may change the record's sources, or null when there is no such record or the reader may not see it
    /// (a private or embargoed one: SkuAccess, DeploymentAccess).</summary>
    private async Task<Func<Caller, bool>?> EditRuleAsync(Caller? reader, FigureOwner owner, Guid id, CancellationToken cancellationToken)
    {
        if (owner == FigureOwner.Sku)
        {
            var vendor = await db.HardwareSkus.AsNoTracking().VisibleTo(reader).Where(s => s.Id == id).Select(s => (Guid?)s.VendorId).FirstOrDefaultAsync(cancellationToken);
            return vendor is { } vendorId ? caller => SkuService.CanEdit(caller, vendorId) : null;
        }
        var deployment = await DeploymentAccess.LoadAsync(db, id, reader, cancellationToken);
        return deployment is { } d ? caller => DeploymentAccess.CanEdit(caller, d.MinistryId, d.Operators) : null;
    }

    private static IQueryable<FigureSource> Of(PortalDbContext context, FigureOwner owner, List<Guid> ids, bool tracked = false)
    {
        var sources = tracked ? context.FigureSources : context.FigureSources.AsNoTracking();
        return owner == FigureOwner.Sku
            ? sources.Where(s => s.SkuId != null && ids.Contains(s.SkuId.Value))
            : sources.Where(s => s.DeploymentId != null && ids.Contains(s.DeploymentId.Value));
    }

    private static FigureSourceDto ToDto(FigureSource s) =>
        new(s.Figure, s.Reference, OrganizationValidator.IsWebUrl(s.Reference) ? s.Reference : null, s.Date, s.Note, s.UpdatedAt);

    private static bool LooksLikeUrl(string reference) =>
        reference.Contains("://", StringComparison.Ordinal) || reference.StartsWith("www.", StringComparison.OrdinalIgnoreCase);

    private static Outcome<T>.NotFound NotFound<T>(FigureOwner owner, Guid id) =>
        new(Localized<SourceText>.Format(owner == FigureOwner.Sku ? "SkuNotFound" : "DeploymentNotFound", id));
}
