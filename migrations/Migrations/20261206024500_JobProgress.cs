using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class JobProgress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "progress",
                table: "jobs",
                type: "jsonb",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "progress",
                table: "jobs");
        }
    }
}
