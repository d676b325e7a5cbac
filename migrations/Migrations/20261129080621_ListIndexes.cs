using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sovereign_deployments_country",
                table: "sovereign_deployments");

            migrationBuilder.DropIndex(
                name: "ix_sovereign_deployments_status",
                table: "sovereign_deployments");

            migrationBuilder.DropIndex(
                name: "ix_organizations_country",
                table: "organizations");

            migrationBuilder.DropIndex(
                name: "ix_organizations_kind",
                table: "organizations");

            migrationBuilder.DropIndex(
                name: "ix_hardware_skus_category",
                table: "hardware_skus");

            migrationBuilder.CreateIndex(
                name: "ix_sovereign_deployments_country_name",
                table: "sovereign_deployments",
                columns: new[] { "country", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_sovereign_deployments_status_name",
                table: "sovereign_deployments",
                columns: new[] { "status", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_organizations_country_name",
                table: "organizations",
                columns: new[] { "country", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_organizations_kind_name",
                table: "organizations",
                columns: new[] { "kind", "name" });

            migrationBuilder.CreateIndex(
                name: "ix_hardware_skus_category_name",
                table: "hardware_skus",
                columns: new[] { "category", "name" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sovereign_deployments_country_name",
                table: "sovereign_deployments");

            migrationBuilder.DropIndex(
                name: "ix_sovereign_deployments_status_name",
                table: "sovereign_deployments");

            migrationBuilder.DropIndex(
                name: "ix_organizations_country_name",
                table: "organizations");

            migrationBuilder.DropIndex(
                name: "ix_organizations_kind_name",
                table: "organizations");

            migrationBuilder.DropIndex(
                name: "ix_hardware_skus_category_name",
                table: "hardware_skus");

            migrationBuilder.CreateIndex(
                name: "ix_sovereign_deployments_country",
                table: "sovereign_deployments",
                column: "country");

            migrationBuilder.CreateIndex(
                name: "ix_sovereign_deployments_status",
                table: "sovereign_deployments",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ix_organizations_country",
                table: "organizations",
                column: "country");

            migrationBuilder.CreateIndex(
                name: "ix_organizations_kind",
                table: "organizations",
                column: "kind");

            migrationBuilder.CreateIndex(
                name: "ix_hardware_skus_category",
                table: "hardware_skus",
                column: "category");
        }
    }
}
