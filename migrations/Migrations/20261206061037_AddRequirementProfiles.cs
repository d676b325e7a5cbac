using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class AddRequirementProfiles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "requirement_profile_id",
                table: "sovereign_deployments",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "requirement_profiles",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    slug = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_requirement_profiles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "requirement_profile_tests",
                columns: table => new
                {
                    profile_id = table.Column<Guid>(type: "uuid", nullable: false),
                    test_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_requirement_profile_tests", x => new { x.profile_id, x.test_id });
                    table.ForeignKey(
                        name: "fk_requirement_profile_tests_compatibility_tests_test_id",
                        column: x => x.test_id,
                        principalTable: "compatibility_tests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_requirement_profile_tests_requirement_profiles_profile_id",
                        column: x => x.profile_id,
                        principalTable: "requirement_profiles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_sovereign_deployments_requirement_profile_id",
                table: "sovereign_deployments",
                column: "requirement_profile_id");

            migrationBuilder.CreateIndex(
                name: "ix_requirement_profile_tests_test_id",
                table: "requirement_profile_tests",
                column: "test_id");

            migrationBuilder.CreateIndex(
                name: "ix_requirement_profiles_name",
                table: "requirement_profiles",
                column: "name",
                unique: true)
                .Annotation("Relational:Collation", new[] { "case_insensitive" });

            migrationBuilder.CreateIndex(
                name: "ix_requirement_profiles_slug",
                table: "requirement_profiles",
                column: "slug",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_sovereign_deployments_requirement_profiles_requirement_prof",
                table: "sovereign_deployments",
                column: "requirement_profile_id",
                principalTable: "requirement_profiles",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_sovereign_deployments_requirement_profiles_requirement_prof",
                table: "sovereign_deployments");

            migrationBuilder.DropTable(
                name: "requirement_profile_tests");

            migrationBuilder.DropTable(
                name: "requirement_profiles");

            migrationBuilder.DropIndex(
                name: "ix_sovereign_deployments_requirement_profile_id",
                table: "sovereign_deployments");

            migrationBuilder.DropColumn(
                name: "requirement_profile_id",
                table: "sovereign_deployments");
        }
    }
}
