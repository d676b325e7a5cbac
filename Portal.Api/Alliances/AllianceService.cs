using Microsoft.EntityFrameworkCore;
using Portal.Api.Common;
using Portal.Api.Organizations;
using Portal.Data;
using Portal.Data.Organizations;

namespace Portal.Api.Alliances;

/// <summary>Alliances are consortium-wide groupings: anyone reads them, consortium admins change them.</summary>
public sealed class AllianceService(PortalDbContext db)
{
    public async Task<Outcome<PagedList<AllianceDto>>> ListAsync(AllianceQuery query, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var (page, pageSize) = Paging.Validate(query.Page, query.PageSize, errors);
        if (errors.Any)
            return errors.ToOutcome<PagedList<AllianceDto>>();
        var alliances = db.Alliances.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Q))
        {
            var pattern = "%" + Like.Escape(query.Q.Trim()) + "%";
            alliances = alliances.Where(a =>
                EF.Functions.ILike(a.Name, pattern, Like.EscapeCharacter) || EF.Functions.ILike(a.Description ?? "", pattern, Like.EscapeCharacter));
        }
        var total = await alliances.CountAsync(cancellationToken);
        var items = await Project(alliances.OrderBy(a => a.Name).Skip((page - 1) * pageSize).Take(pageSize)).ToListAsync(cancellationToken);
        return new PagedList<AllianceDto>(items, total, page, pageSize);
    }

    public async Task<Outcome<AllianceDto>> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var dto = await Project(db.Alliances.Where(a => a.Id == id)).FirstOrDefaultAsync(cancellationToken);
        return dto is null ? new Outcome<AllianceDto>.NotFound(Localized<AllianceText>.Format("NotFound", id)) : dto;
    }

    public async Task<Outcome<AllianceDto>> CreateAsync(Caller caller, AllianceInput input, CancellationToken cancellationToken)
    {
        if (!caller.IsConsortiumAdmin)
            return new Outcome<AllianceDto>.Forbidden(Localized<AllianceText>.Get("AdminsOnly"));
        var errors = await ValidateAsync(input, null, cancellationToken);
        if (errors.Any)
            return errors.ToOutcome<AllianceDto>();
        var alliance = new Alliance { Name = input.Name!.Trim(), Description = Clean(input.Description), CreatedAt = db.Now };
        db.Alliances.Add(alliance);
        return await SaveAsync(caller, alliance.Id, cancellationToken);
    }

    public async Task<Outcome<AllianceDto>> UpdateAsync(Caller caller, Guid id, AllianceInput input, CancellationToken cancellationToken)
    {
        var alliance = await db.Alliances.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (alliance is null)
            return new Outcome<AllianceDto>.NotFound(Localized<AllianceText>.Format("NotFound", id));
        if (!caller.IsConsortiumAdmin)
            return new Outcome<AllianceDto>.Forbidden(Localized<AllianceText>.Get("AdminsOnly"));
        var errors = await ValidateAsync(input, id, cancellationToken);
        if (input.Version is null)
            errors.Add("version", Localized<SharedText>.Get("VersionRequired"));
        if (errors.Any)
            return errors.ToOutcome<AllianceDto>();
        db.Entry(alliance).Property(a => a.Version).OriginalValue = input.Version!.Value;
        alliance.Name = input.Name!.Trim();
        alliance.Description = Clean(input.Description);
        return await SaveAsync(caller, id, cancellationToken);
    }

    public async Task<Outcome<bool>> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        if (!caller.IsConsortiumAdmin)
            return new Outcome<bool>.Forbidden(Localized<AllianceText>.Get("AdminsOnly"));
        var alliance = await db.Alliances.FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        if (alliance is null)
            return new Outcome<bool>.NotFound(Localized<AllianceText>.Format("NotFound", id));
        db.Alliances.Remove(alliance);
        await db.SaveAsAsync(caller, cancellationToken);
        return true;
    }

    private async Task<ValidationErrors> ValidateAsync(AllianceInput input, Guid? existingId, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var name = errors.Text("name", input.Name, OrganizationValidator.NameLength, required: true, Localized<AllianceText>.Get("Field.Name"));
        errors.Text("description", input.Description, OrganizationValidator.DescriptionLength, required: false, Localized<AllianceText>.Get("Field.Description"));
        if (name is not null)
        {
            var lowered = name.ToLowerInvariant();
            if (await db.Alliances.AnyAsync(a => a.Name.ToLower() == lowered && a.Id != existingId, cancellationToken))
                errors.Add("name", Localized<AllianceText>.Format("NameTaken", name));
        }
        return errors;
    }

    private async Task<Outcome<AllianceDto>> SaveAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await db.SaveAsAsync(caller, cancellationToken) switch
        {
            SaveResult.Conflict => new Outcome<AllianceDto>.Conflict(Localized<AllianceText>.Get("Conflict")),
            SaveResult.Duplicate => new Outcome<AllianceDto>.Invalid(new Dictionary<string, string[]>
            {
                ["name"] = [Localized<AllianceText>.Get("NameDuplicate")],
            }),
            _ => await GetAsync(id, cancellationToken),
        };

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static IQueryable<AllianceDto> Project(IQueryable<Alliance> alliances) =>
        alliances.Select(a => new AllianceDto(a.Id, a.Name, a.Description, a.Organizations.Count, a.CreatedAt, a.Version));
}
