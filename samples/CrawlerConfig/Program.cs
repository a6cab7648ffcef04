using CrawlerConfig;

// The database lives in the folder given by --database-folder (or CRAWLER_DB_FOLDER), else in a temp folder.
var databaseFolder = args.SkipWhile(a => a != "--database-folder").Skip(1).FirstOrDefault()
    ?? Environment.GetEnvironmentVariable("CRAWLER_DB_FOLDER")
    ?? Path.Combine(Path.GetTempPath(), "crawler-config");

var app = CrawlerApp.Build(args, databaseFolder);
app.Run();
