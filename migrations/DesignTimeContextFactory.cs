using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Portal.Data;

namespace Portal.Migrations;

/// <summary>
/// Lets `dotnet ef migrations add` build the model without starting a database; the connection
/// string is never opened while scaffolding.
/// </summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        PortalDataExtensions.Configure(options, "Host=127.0.0.1;Database=portal_design");
        return new PortalDbContext(options.Options);
    }
}
