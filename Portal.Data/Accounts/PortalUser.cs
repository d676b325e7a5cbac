using Microsoft.AspNetCore.Identity;
using Portal.Data.Organizations;

namespace Portal.Data.Accounts;

public sealed class PortalUser : IdentityUser<Guid>
{
    public PortalUser() => Id = Guid.CreateVersion7();

    public string DisplayName { get; set; } = "";

    /// <summary>Consortium admins may do everything, in every organisation.</summary>
    public bool IsConsortiumAdmin { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public List<Membership> Memberships { get; set; } = [];
}
