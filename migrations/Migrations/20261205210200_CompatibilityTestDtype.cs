using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class CompatibilityTestDtype : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "dtype",
                table: "compatibility_tests",
                type: "text",
                nullable: false,
                computedColumnSql: "coalesce(spec ->> 'dtype', 'f32')",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_compatibility_tests_dtype",
                table: "compatibility_tests",
                column: "dtype");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_compatibility_tests_dtype",
                table: "compatibility_tests");

            migrationBuilder.DropColumn(
                name: "dtype",
                table: "compatibility_tests");
        }
    }
}
