package dev.lifeline.demo.kv;

/**
 * The HTML page a client gets from an API behind Cloudflare when the origin fails: what the seed's
 * KV client received (and could not parse as JSON) when the database behind the API hiccupped.
 * Shortened from Cloudflare's own error page; same title, same structure, same Ray ID line.
 */
final class CloudflareErrorPage {

    private CloudflareErrorPage() {
    }

    static String internalServerError(String host, String rayId) {
        String site = host == null ? "kv.example.com" : host.replaceAll("[^A-Za-z0-9.:-]", "");
        return "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n<title>" + site + " | 500: Internal server error</title>\n"
                + "<meta charset=\"UTF-8\" />\n<meta name=\"robots\" content=\"noindex, nofollow\" />\n</head>\n"
                + "<body>\n<div id=\"cf-wrapper\">\n<div id=\"cf-error-details\" class=\"p-0\">\n"
                + "<header class=\"mx-auto pt-10 lg:pt-6 lg:px-8 w-240 lg:w-full mb-8\">\n"
                + "<h1 class=\"inline-block sm:block sm:mb-2 font-light text-60 lg:text-4xl text-black-dark leading-tight mr-2\">"
                + "<span class=\"inline-block\">Internal server error</span>\n"
                + "<span class=\"code-label\">Error code 500</span></h1>\n"
                + "<div>Visit <a href=\"https://www.cloudflare.com/5xx-error-landing\">cloudflare.com</a> for more information.</div>\n"
                + "</header>\n"
                + "<div class=\"my-8 bg-gradient-gray\"><div class=\"w-240 lg:w-full mx-auto\">"
                + "<div id=\"cf-host-status\" class=\"cf-error-source\"><span class=\"cf-icon-error\"></span>"
                + "<span class=\"md:block w-full truncate\">" + site + "</span>"
                + "<h3 class=\"md:inline-block mt-3 md:mt-0 text-2xl text-gray-600 font-light leading-1.3\">Host</h3>"
                + "<span class=\"leading-1.3 text-2xl text-red-error\">Error</span></div></div></div>\n"
                + "<div class=\"w-240 lg:w-full mx-auto mb-8 lg:px-8\"><div class=\"clearfix\">"
                + "<div class=\"w-1/2 md:w-full float-left pr-6 md:pb-10 md:pr-0 leading-relaxed\">"
                + "<h2 class=\"text-3xl font-normal leading-1.3 mb-4\">What happened?</h2>"
                + "<p>There is an unknown connection issue between Cloudflare and the origin web server. "
                + "As a result, the web page can not be displayed.</p></div></div></div>\n"
                + "<div class=\"cf-error-footer cf-wrapper w-240 lg:w-full py-10 sm:py-4 sm:px-8 mx-auto text-center sm:text-left border-solid border-0 border-t border-gray-300\">"
                + "<p class=\"text-13\"><span class=\"cf-footer-item sm:block sm:mb-1\">Cloudflare Ray ID: <strong class=\"font-semibold\">"
                + rayId + "</strong></span> <span class=\"cf-footer-separator sm:hidden\">&bull;</span> "
                + "<span class=\"cf-footer-item sm:block sm:mb-1\">Performance &amp; security by Cloudflare</span></p>"
                + "</div>\n</div>\n</div>\n</body>\n</html>\n";
    }
}
