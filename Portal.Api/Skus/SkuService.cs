using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Api.Agents;
using Portal.Api.Common;
using Portal.Api.Publishing;
using Portal.Api.Runs;
using Portal.Data;
using Portal.Data.Skus;

namespace Portal.Api.Skus;

/// <summary>Reads, writes and rules for hardware SKUs, shared by the API and the Blazor pages.</summary>
public sealed class SkuService(PortalDbContext db, ListTotals totals, NpgsqlDataSource dataSource, TimeProvider time)
{
    public const int MinCompare = 2;
    public const int MaxCompare = 4;

    /// <summary>A vendor's members (any role) and consortium admins register and edit its SKUs.</summary>
    public static bool CanEdit(Caller? caller, Guid vendorId) =>
        caller is not null && (caller.IsConsortiumAdmin || caller.IsMemberOf(vendorId));

    /// <param name="reader">Who reads (null: an anonymous reader): only the SKUs <see cref="SkuAccess.VisibleTo"/> them.</param>
    public async Task<Outcome<PagedList<SkuListItem>>> ListAsync(Caller? reader, SkuQuery query, CancellationToken cancellationToken) =>
        await PageAsync(reader, query, countTotal: true, cancellationToken);

    /// <summary>
    /// A page of matches without their count, for autocompletes: a count is a new filter on every keystroke, so the
    /// remembered totals (<see cref="ListTotals"/>) never help there and each count reads every match.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<SkuListItem>>> SearchAsync(Caller? reader, SkuQuery query, CancellationToken cancellationToken) =>
        (await PageAsync(reader, query, countTotal: false, cancellationToken)).Items();

    /// <param name="countTotal">False: the envelope's total is -1 (not counted).</param>
    private async Task<Outcome<PagedList<SkuListItem>>> PageAsync(Caller? reader, SkuQuery query, bool countTotal, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (page, pageSize) = Paging.Validate(query.Page, query.PageSize, errors);
        var filtered = SkuCatalogue.Filter(db.HardwareSkus.AsNoTracking().VisibleTo(reader), query, errors);
        var order = SkuCatalogue.ParseSort(query.Sort, errors);
        var cursor = string.IsNullOrWhiteSpace(query.Cursor) ? null : query.Cursor;
        if (cursor is not null && query.Page is not null)
            errors.Add("page", Localized<SkuText>.Get("CursorWithPage"));
        var from = filtered is null || order is null || cursor is null ? filtered : SkuKeyset.After(filtered, order, cursor, errors);
        if (errors.Any || from is null || order is null)
            return errors.ToOutcome<PagedList<SkuListItem>>();

        var total = countTotal
            ? await totals.CountAsync(db, filtered!, query with { Page = null, PageSize = null, Sort = null, Cursor = null }, reader, cancellationToken)
            : -1;
        var sorted = SkuCatalogue.Sort(from, order, searching: !string.IsNullOrWhiteSpace(query.Q));
        var paged = cursor is null ? sorted.Skip((page - 1) * pageSize) : sorted;
        var rows = await SkuCatalogue.Project(paged.Take(pageSize)).ToListAsync(cancellationToken);
        // The measured column for this page's rows only, in one statement: the page is read first, so keyset paging is untouched.
        // An autocomplete (no count) shows names, not figures, and skips it.
        var measured = countTotal
            ? await SkuMeasurements.ForPageAsync(dataSource, [.. rows.Select(r => (r.Id, (IReadOnlyList<string>)r.Languages))], cancellationToken)
            : [];
        var items = rows.Select(r => SkuCatalogue.ToListItem(r) with { Measured = measured.GetValueOrDefault(r.Id) }).ToList();
        return new PagedList<SkuListItem>(items, total, cursor is null ? page : 0, pageSize)
        {
            NextCursor = rows.Count == pageSize ? SkuKeyset.Next(order, rows[^1]) : null,
        };
    }

    /// <summary>Every SKU matching the filter, in the requested order, for CSV export.</summary>
    public Outcome<IAsyncEnumerable<SkuListItem>> Export(Caller? reader, SkuQuery query)
    {
        var errors = new ValidationErrors();
        var filtered = SkuCatalogue.Filter(db.HardwareSkus.AsNoTracking().VisibleTo(reader), query, errors);
        var sorted = filtered is null ? null : SkuCatalogue.Sort(filtered, query.Sort, errors);
        if (errors.Any || sorted is null)
            return errors.ToOutcome<IAsyncEnumerable<SkuListItem>>();
        return new Outcome<IAsyncEnumerable<SkuListItem>>.Success(
            SkuCatalogue.Stream(SkuCatalogue.Project(sorted).AsAsyncEnumerable()));
    }

    public async Task<Outcome<SkuDetail>> GetAsync(Caller? reader, Guid id, CancellationToken cancellationToken)
    {
        var detail = await LoadMeasuredAsync(reader, id, cancellationToken);
        return detail is null ? NotFound(id) : detail;
    }

    /// <summary>
    /// The SKU as an anonymous visitor will see it once it is public, for its owners' preview: the SKU itself (which
    /// <paramref name="owner"/> must be able to read), with its parts and deployments read by the anonymous rule.
    /// </summary>
    public async Task<Outcome<SkuDetail>> PreviewPublicAsync(Caller? owner, Guid id, CancellationToken cancellationToken)
    {
        var detail = await LoadMeasuredAsync(null, id, cancellationToken, owner, preview: true);
        return detail is null ? NotFound(id) : detail;
    }

    /// <summary>A SKU with its measured figures and latest verdicts next to its claims.</summary>
    private async Task<SkuDetail?> LoadMeasuredAsync(Caller? reader, Guid id, CancellationToken cancellationToken,
        Caller? subjectReader = null, bool preview = false)
    {
        var detail = await SkuDetails.LoadAsync(db, reader, id, cancellationToken, subjectReader, preview);
        if (detail is null)
            return null;
        var (measured, verdicts) = await SkuMeasurements.ForSkuAsync(db, dataSource, id, detail.Languages,
            new SkuPeaks(detail.MemoryBandwidthTbs, detail.Bf16Tflops, detail.Fp8Tflops), cancellationToken);
        return detail with { Measured = measured, LatestVerdicts = verdicts };
    }

    /// <summary>2–4 SKUs side by side, in the order asked for.</summary>
    public async Task<Outcome<IReadOnlyList<SkuDetail>>> CompareAsync(Caller? reader, string? ids, CancellationToken cancellationToken)
    {
        var parts = (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parsed = new List<Guid>();
        var errors = new ValidationErrors();
        foreach (var part in parts)
        {
            if (!Guid.TryParse(part, out var id))
                errors.Add("ids", Localized<SkuText>.Format("CompareIdInvalid", part));
            else if (!parsed.Contains(id))
                parsed.Add(id);
        }
        if (!errors.Any && parsed.Count is < MinCompare or > MaxCompare)
            errors.Add("ids", Localized<SkuText>.Format("CompareCount", MinCompare, MaxCompare));
        if (errors.Any)
            return errors.ToOutcome<IReadOnlyList<SkuDetail>>();

        var details = new List<SkuDetail>();
        foreach (var id in parsed)
        {
            var detail = await LoadMeasuredAsync(reader, id, cancellationToken);
            if (detail is null)
                return new Outcome<IReadOnlyList<SkuDetail>>.NotFound(Localized<SkuText>.Format("NotFound", id));
            details.Add(detail);
        }
        return details;
    }

    /// <summary>Organisations the caller may register SKUs for (all of them for a consortium admin), matching a search.</summary>
    public async Task<IReadOnlyList<VendorRef>> EditableVendorsAsync(Caller caller, string? search, CancellationToken cancellationToken)
    {
        var organizations = db.Organizations.AsNoTracking();
        if (!caller.IsConsortiumAdmin)
        {
            var mine = caller.Roles.Keys.ToList();
            organizations = organizations.Where(o => mine.Contains(o.Id));
        }
        if (!string.IsNullOrWhiteSpace(search))
            organizations = organizations.Where(o => EF.Functions.ILike(o.Name, "%" + Like.Escape(search.Trim()) + "%", Like.EscapeCharacter));
        return await organizations.OrderBy(o => o.Name).Take(50).Select(o => new VendorRef(o.Id, o.Name, o.Country)).ToListAsync(cancellationToken);
    }

    /// <summary>Organisations matching a search, for the catalogue's vendor filter.</summary>
    public async Task<IReadOnlyList<VendorRef>> VendorsAsync(string? search, CancellationToken cancellationToken)
    {
        var organizations = db.Organizations.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
            organizations = organizations.Where(o => EF.Functions.ILike(o.Name, "%" + Like.Escape(search.Trim()) + "%", Like.EscapeCharacter));
        return await organizations.OrderBy(o => o.Name).Take(50).Select(o => new VendorRef(o.Id, o.Name, o.Country)).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<VendorRef>> VendorsByIdAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken) =>
        await db.Organizations.AsNoTracking().Where(o => ids.Contains(o.Id)).Select(o => new VendorRef(o.Id, o.Name, o.Country)).ToListAsync(cancellationToken);

    public async Task<Outcome<SkuDetail>> CreateAsync(Caller caller, SkuInput input, CancellationToken cancellationToken)
    {
        if (await ForbiddenVendorAsync(caller, input.VendorId, cancellationToken))
            return Forbidden();
        var (valid, errors) = await SkuValidator.ValidateAsync(db, input, null, cancellationToken);
        var publication = PublicationRule.Read(input.Publication, input.EmbargoUntil, PublicationDto.Public, time.GetUtcNow(), errors);
        if (valid is null || errors.Any)
            return errors.ToOutcome<SkuDetail>();

        var now = db.Now;
        var sku = new HardwareSku { Name = valid.Name, CreatedAt = now };
        Apply(sku, valid, now);
        PublicationRule.Apply(sku, publication);
        db.HardwareSkus.Add(sku);
        return await SaveAsync(caller, sku.Id, rematch: sku.DeviceNamePatterns.Count > 0, cancellationToken);
    }

    public async Task<Outcome<SkuDetail>> UpdateAsync(Caller caller, Guid id, SkuInput input, CancellationToken cancellationToken)
    {
        var sku = await db.HardwareSkus.Include(s => s.Components).FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        // A SKU the caller may not read does not exist for them, even to be refused.
        if (sku is null || !SkuAccess.CanSee(caller, sku.VendorId, sku.Publication))
            return NotFound(id);
        // Both the current owner and a new one must be the caller's to give a SKU to another vendor.
        if (!CanEdit(caller, sku.VendorId) || await ForbiddenVendorAsync(caller, input.VendorId, cancellationToken))
            return Forbidden();

        var (valid, errors) = await SkuValidator.ValidateAsync(db, input, id, cancellationToken);
        var publication = PublicationRule.Read(input.Publication, input.EmbargoUntil, new PublicationDto(sku.Publication, sku.EmbargoUntil),
            time.GetUtcNow(), errors);
        if (input.Version is null)
            errors.Add("version", Localized<SkuText>.Get("VersionRequired"));
        if (valid is null || errors.Any)
            return errors.ToOutcome<SkuDetail>();
        PublicationRule.Apply(sku, publication);

        // Compare against the version the editor read, not the one just loaded.
        db.Entry(sku).Property(s => s.Version).OriginalValue = input.Version!.Value;
        var (patterns, vendor) = (sku.DeviceNamePatterns, sku.VendorId);
        Apply(sku, valid, db.Now);
        var rematch = !patterns.SequenceEqual(sku.DeviceNamePatterns) || vendor != sku.VendorId;
        return await SaveAsync(caller, id, rematch, cancellationToken);
    }

    public async Task<Outcome<bool>> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var sku = await db.HardwareSkus.Include(s => s.Components).FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (sku is null || !SkuAccess.CanSee(caller, sku.VendorId, sku.Publication))
            return new Outcome<bool>.NotFound(Localized<SkuText>.Format("NotFound", id));
        if (!CanEdit(caller, sku.VendorId))
            return new Outcome<bool>.Forbidden(Localized<SkuText>.Get("Forbidden"));
        var deployments = await db.HardwareLines.CountAsync(l => l.SkuId == id, cancellationToken);
        var parents = await db.SkuComponents.CountAsync(c => c.ComponentSkuId == id, cancellationToken);
        if (deployments > 0 || parents > 0)
            return new Outcome<bool>.Conflict(Localized<SkuText>.Format("DeleteInUse", deployments, parents));
        db.HardwareSkus.Remove(sku);
        return await db.SaveAsAsync(caller, cancellationToken) == SaveResult.Saved
            ? true
            : new Outcome<bool>.Conflict(Localized<SkuText>.Get("Conflict"));
    }

    private static void Apply(HardwareSku sku, SkuValidator.Valid valid, DateTimeOffset now)
    {
        sku.VendorId = valid.VendorId;
        sku.Name = valid.Name;
        sku.Category = valid.Category;
        sku.Lifecycle = valid.Lifecycle;
        sku.MemoryGb = valid.MemoryGb;
        sku.MemoryType = valid.MemoryType;
        sku.MemoryBandwidthTbs = valid.MemoryBandwidthTbs;
        sku.Bf16Tflops = valid.Bf16Tflops;
        sku.Fp8Tflops = valid.Fp8Tflops;
        sku.Int8Tops = valid.Int8Tops;
        sku.TdpW = valid.TdpW;
        sku.Process = valid.Process;
        sku.FormFactor = valid.FormFactor;
        sku.SoftwareStack = valid.SoftwareStack;
        sku.ReleaseMonth = valid.ReleaseMonth;
        sku.DatasheetUrl = valid.DatasheetUrl;
        // Replace the lists only when they differ, so that the audit log records real changes only.
        if (!sku.Languages.SequenceEqual(valid.Languages))
            sku.Languages = valid.Languages;
        if (!sku.DeviceNamePatterns.SequenceEqual(valid.DeviceNamePatterns))
            sku.DeviceNamePatterns = valid.DeviceNamePatterns;
        sku.Components.RemoveAll(c => valid.Components.All(v => v.ComponentSkuId != c.ComponentSkuId));
        foreach (var (componentId, count) in valid.Components)
        {
            var existing = sku.Components.FirstOrDefault(c => c.ComponentSkuId == componentId);
            if (existing is null)
                sku.Components.Add(new SkuComponent { SkuId = sku.Id, ComponentSkuId = componentId, Count = count });
            else
                existing.Count = count;
        }
        sku.UpdatedAt = now;
    }

    private async Task<bool> ForbiddenVendorAsync(Caller caller, Guid? vendorId, CancellationToken cancellationToken) =>
        vendorId is { } id && !CanEdit(caller, id) && await db.Organizations.AnyAsync(o => o.Id == id, cancellationToken);

    /// <param name="rematch">The SKU's device-name patterns or vendor changed: the devices it may concern are matched again in the
    /// same transaction, so that devices already attached follow the new patterns at once, not at their agents' next report.</param>
    private async Task<Outcome<SkuDetail>> SaveAsync(Caller caller, Guid id, bool rematch, CancellationToken cancellationToken)
    {
        await using var transaction = rematch ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        switch (await db.SaveAsAsync(caller, cancellationToken))
        {
            case SaveResult.Conflict:
                return new Outcome<SkuDetail>.Conflict(Localized<SkuText>.Get("Conflict"));
            case SaveResult.Duplicate:
                return new Outcome<SkuDetail>.Invalid(new Dictionary<string, string[]> { ["name"] = [Localized<SkuText>.Get("NameTakenRace")] });
        }
        if (transaction is not null)
        {
            await DeviceSkuMatcher.RematchAsync(db, caller, id, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return await GetAsync(caller, id, cancellationToken);
    }

    private static Outcome<SkuDetail>.NotFound NotFound(Guid id) => new(Localized<SkuText>.Format("NotFound", id));

    private static Outcome<SkuDetail>.Forbidden Forbidden() => new(Localized<SkuText>.Get("Forbidden"));
}
