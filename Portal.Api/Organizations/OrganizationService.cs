using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Data;
using Portal.Data.Organizations;

namespace Portal.Api.Organizations;

/// <summary>Queries and rules for organisations, shared by the API and the Blazor pages.</summary>
public sealed class OrganizationService(PortalDbContext db, ListTotals totals)
{
    private static readonly string[] SortKeys = ["name", "kind", "country", "created", "updated"];

    public async Task<Outcome<PagedList<OrganizationDto>>> ListAsync(OrganizationQuery query, CancellationToken cancellationToken) =>
        await PageAsync(query, countTotal: true, cancellationToken);

    /// <summary>
    /// A page of matches without their count, for autocompletes: a count is a new filter on every keystroke, so the
    /// remembered totals (<see cref="ListTotals"/>) never help there and each count reads every match.
    /// </summary>
    public async Task<Outcome<IReadOnlyList<OrganizationDto>>> SearchAsync(OrganizationQuery query, CancellationToken cancellationToken) =>
        (await PageAsync(query, countTotal: false, cancellationToken)).Items();

    /// <param name="countTotal">False: the envelope's total is -1 (not counted).</param>
    private async Task<Outcome<PagedList<OrganizationDto>>> PageAsync(OrganizationQuery query, bool countTotal, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (page, pageSize) = Paging.Validate(query.Page, query.PageSize, errors);
        var filtered = Filter(query, errors);
        var sorted = filtered is null ? null : Sort(filtered, query.Sort, errors);
        if (errors.Any || sorted is null)
            return errors.ToOutcome<PagedList<OrganizationDto>>();

        // Every organisation is public: all readers share one count.
        var total = countTotal ? await totals.CountAsync(db, filtered!, query with { Page = null, PageSize = null, Sort = null }, reader: null, cancellationToken) : -1;
        var items = await Project(sorted.Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(cancellationToken);
        return new PagedList<OrganizationDto>(items, total, page, pageSize);
    }

    /// <summary>Every organisation matching the filter, in the requested order, for CSV export.</summary>
    public Outcome<IAsyncEnumerable<OrganizationDto>> Export(OrganizationQuery query)
    {
        var errors = new ValidationErrors();
        var filtered = Filter(query, errors);
        var sorted = filtered is null ? null : Sort(filtered, query.Sort, errors);
        if (errors.Any || sorted is null)
            return errors.ToOutcome<IAsyncEnumerable<OrganizationDto>>();
        return new Outcome<IAsyncEnumerable<OrganizationDto>>.Success(Project(sorted).AsAsyncEnumerable());
    }

    public async Task<Outcome<OrganizationDto>> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var dto = await Project(db.Organizations.Where(o => o.Id == id)).FirstOrDefaultAsync(cancellationToken);
        return dto is null ? NotFound(id) : dto;
    }

    /// <summary>The organisation's SKUs, agents, tests (those the caller may see) and deployments, for its page.</summary>
    public async Task<Outcome<OrganizationHoldingsDto>> HoldingsAsync(Caller? caller, Guid id, CancellationToken cancellationToken)
    {
        var holdings = await OrganizationHoldings.LoadAsync(db, caller, id, cancellationToken);
        return holdings is null ? new Outcome<OrganizationHoldingsDto>.NotFound(Localized<OrganizationText>.Format("NotFound", id)) : holdings;
    }

    public async Task<Outcome<OrganizationDto>> CreateAsync(Caller caller, OrganizationInput input, CancellationToken cancellationToken)
    {
        if (!caller.IsConsortiumAdmin)
            return new Outcome<OrganizationDto>.Forbidden(Localized<OrganizationText>.Get("CreateAdminsOnly"));

        var (valid, errors) = await OrganizationValidator.ValidateAsync(db, input, null, cancellationToken);
        if (valid is null)
            return errors.ToOutcome<OrganizationDto>();

        var now = db.Now;
        var organization = new Organization
        {
            Name = valid.Name,
            Kind = valid.Kind,
            Country = valid.Country,
            Website = valid.Website,
            Description = valid.Description,
            Alliances = valid.Alliances,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Organizations.Add(organization);
        return await SaveAsync(caller, organization.Id, cancellationToken);
    }

    public async Task<Outcome<OrganizationDto>> UpdateAsync(Caller caller, Guid id, OrganizationInput input, CancellationToken cancellationToken)
    {
        var organization = await db.Organizations.Include(o => o.Alliances).FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (organization is null)
            return NotFound(id);
        if (!caller.IsAdminOf(id))
            return new Outcome<OrganizationDto>.Forbidden(Localized<OrganizationText>.Get("EditAdminsOnly"));

        var (valid, errors) = await OrganizationValidator.ValidateAsync(db, input, id, cancellationToken);
        if (input.Version is null)
            errors.Add("version", Localized<SharedText>.Get("VersionRequired"));
        if (valid is null || errors.Any)
            return errors.ToOutcome<OrganizationDto>();
        // The kind "consortium" is trust, not a label: its agents' results are verified and every SKU's device-name
        // patterns map its devices. Only a consortium admin grants or takes it.
        var consortiumChange = valid.Kind != organization.Kind
            && (valid.Kind == OrganizationKind.Consortium || organization.Kind == OrganizationKind.Consortium);
        if (consortiumChange && !caller.IsConsortiumAdmin)
            return new Outcome<OrganizationDto>.Invalid(new Dictionary<string, string[]>
            {
                ["kind"] = [Localized<OrganizationText>.Get("KindConsortiumAdminsOnly")],
            });

        // Compare against the version the editor read, not the one just loaded.
        db.Entry(organization).Property(o => o.Version).OriginalValue = input.Version!.Value;
        organization.Name = valid.Name;
        organization.Kind = valid.Kind;
        organization.Country = valid.Country;
        organization.Website = valid.Website;
        organization.Description = valid.Description;
        organization.Alliances.Clear();
        organization.Alliances.AddRange(valid.Alliances);
        organization.UpdatedAt = db.Now;
        return await SaveAsync(caller, id, cancellationToken);
    }

    public async Task<Outcome<bool>> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        if (!caller.IsConsortiumAdmin)
            return new Outcome<bool>.Forbidden(Localized<OrganizationText>.Get("DeleteAdminsOnly"));
        var organization = await db.Organizations.Include(o => o.Alliances).FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (organization is null)
            return new Outcome<bool>.NotFound(Localized<OrganizationText>.Format("NotFound", id));
        db.Organizations.Remove(organization);
        await db.SaveAsAsync(caller, cancellationToken);
        return true;
    }

    private async Task<Outcome<OrganizationDto>> SaveAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await db.SaveAsAsync(caller, cancellationToken) switch
        {
            SaveResult.Conflict => new Outcome<OrganizationDto>.Conflict(Localized<OrganizationText>.Get("Conflict")),
            SaveResult.Duplicate => new Outcome<OrganizationDto>.Invalid(new Dictionary<string, string[]>
            {
                ["name"] = [Localized<OrganizationText>.Get("NameDuplicate")],
            }),
            _ => await GetAsync(id, cancellationToken),
        };

    private static Outcome<OrganizationDto>.NotFound NotFound(Guid id) => new(Localized<OrganizationText>.Format("NotFound", id));

    private IQueryable<Organization>? Filter(OrganizationQuery query, ValidationErrors errors)
    {
        IQueryable<Organization> organizations = db.Organizations.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var pattern = "%" + Like.Escape(query.Q.Trim()) + "%";
            // No COALESCE around a column, so that each arm of the OR reads its own trigram index (a BitmapOr); NULL does not match anyway.
            organizations = organizations.Where(o =>
                EF.Functions.ILike(o.Name, pattern, Like.EscapeCharacter) || EF.Functions.ILike(o.Description!, pattern, Like.EscapeCharacter)
                || EF.Functions.ILike(o.Website!, pattern, Like.EscapeCharacter));
        }
        if (!string.IsNullOrWhiteSpace(query.Kind))
        {
            if (Naming.TryParseSnakeCase<OrganizationKind>(query.Kind, out var kind))
                organizations = organizations.Where(o => o.Kind == kind);
            else
                errors.Add("kind", Localized<OrganizationText>.Format("UnknownKind", query.Kind));
        }
        if (!string.IsNullOrWhiteSpace(query.Country))
        {
            var country = query.Country.Trim().ToUpperInvariant();
            if (Countries.IsValid(country))
                organizations = organizations.Where(o => o.Country == country);
            else
                errors.Add("country", Localized<SharedText>.Format("CountryFilter", query.Country));
        }
        if (query.Alliance is { } allianceId)
            organizations = organizations.Where(o => o.Alliances.Any(a => a.Id == allianceId));
        return errors.Any ? null : organizations;
    }

    private static IQueryable<Organization>? Sort(IQueryable<Organization> organizations, string? sort, ValidationErrors errors)
    {
        var key = string.IsNullOrWhiteSpace(sort) ? "name" : sort.Trim();
        var descending = key.StartsWith('-');
        if (descending)
            key = key[1..];
        if (!SortKeys.Contains(key))
        {
            errors.Add("sort", Localized<SharedText>.Format("SortOneOf", string.Join(", ", SortKeys)));
            return null;
        }
        IOrderedQueryable<Organization> ordered = (key, descending) switch
        {
            ("kind", false) => organizations.OrderBy(o => o.Kind),
            ("kind", true) => organizations.OrderByDescending(o => o.Kind),
            ("country", false) => organizations.OrderBy(o => o.Country),
            ("country", true) => organizations.OrderByDescending(o => o.Country),
            ("created", false) => organizations.OrderBy(o => o.CreatedAt),
            ("created", true) => organizations.OrderByDescending(o => o.CreatedAt),
            ("updated", false) => organizations.OrderBy(o => o.UpdatedAt),
            ("updated", true) => organizations.OrderByDescending(o => o.UpdatedAt),
            (_, true) => organizations.OrderByDescending(o => o.Name),
            _ => organizations.OrderBy(o => o.Name),
        };
        // A unique tie-breaker keeps pages stable.
        return key == "name" ? ordered.ThenBy(o => o.Id) : ordered.ThenBy(o => o.Name).ThenBy(o => o.Id);
    }

    private static IQueryable<OrganizationDto> Project(IQueryable<Organization> organizations) =>
        organizations.Select(o => new OrganizationDto(
            o.Id,
            o.Name,
            o.Kind,
            o.Country,
            o.Website,
            o.Description,
            o.Alliances.OrderBy(a => a.Name).Select(a => new AllianceRef(a.Id, a.Name)).ToList(),
            o.Memberships.Count,
            o.CreatedAt,
            o.UpdatedAt,
            o.Version));
}
