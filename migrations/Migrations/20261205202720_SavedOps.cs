using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class SavedOps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "op_version_id",
                table: "compatibility_tests",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "saved_ops",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    visibility = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    latest_version = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_saved_ops", x => x.id);
                    table.ForeignKey(
                        name: "fk_saved_ops_organizations_organization_id",
                        column: x => x.organization_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "saved_op_versions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    op_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    definition = table.Column<string>(type: "jsonb", nullable: false),
                    hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_saved_op_versions", x => x.id);
                    table.ForeignKey(
                        name: "fk_saved_op_versions_saved_ops_op_id",
                        column: x => x.op_id,
                        principalTable: "saved_ops",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_compatibility_tests_op_version_id",
                table: "compatibility_tests",
                column: "op_version_id");

            migrationBuilder.CreateIndex(
                name: "ix_saved_op_versions_hash",
                table: "saved_op_versions",
                column: "hash");

            migrationBuilder.CreateIndex(
                name: "ix_saved_op_versions_op_id_number",
                table: "saved_op_versions",
                columns: new[] { "op_id", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_saved_ops_name",
                table: "saved_ops",
                column: "name");

            migrationBuilder.CreateIndex(
                name: "ix_saved_ops_organization_id",
                table: "saved_ops",
                column: "organization_id");

            migrationBuilder.AddForeignKey(
                name: "fk_compatibility_tests_saved_op_versions_op_version_id",
                table: "compatibility_tests",
                column: "op_version_id",
                principalTable: "saved_op_versions",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_compatibility_tests_saved_op_versions_op_version_id",
                table: "compatibility_tests");

            migrationBuilder.DropTable(
                name: "saved_op_versions");

            migrationBuilder.DropTable(
                name: "saved_ops");

            migrationBuilder.DropIndex(
                name: "ix_compatibility_tests_op_version_id",
                table: "compatibility_tests");

            migrationBuilder.DropColumn(
                name: "op_version_id",
                table: "compatibility_tests");
        }
    }
}
