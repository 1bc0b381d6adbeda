<?xml version="1.0" encoding="UTF-8"?>
<!--
  Browser view of the bulletin's feeds (RSS 2.0 and Atom): a readable Hindi
  page instead of raw XML. Feed readers ignore this file. plugins.feeds copies
  it to feeds/feed.xsl with the feeds page's address filled in (the
  placeholder in the link below); every feed links it
  with <?xml-stylesheet type="text/xsl" href="/feeds/feed.xsl"?>.
  No scripts, no outside requests; dates are shown in Indian time as written
  in the feed (+05:30).
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    exclude-result-prefixes="atom dc">
<xsl:output method="html" encoding="UTF-8" indent="yes"
    doctype-system="about:legacy-compat"/>

<xsl:variable name="feed" select="/rss/channel | /atom:feed"/>
<xsl:variable name="items" select="/rss/channel/item | /atom:feed/atom:entry"/>
<xsl:variable name="title" select="normalize-space($feed/title | $feed/atom:title)"/>
<xsl:variable name="self" select="$feed/atom:link[@rel='self']/@href"/>
<xsl:variable name="site"
    select="$feed/link | $feed/atom:link[not(@rel) or @rel='alternate']/@href"/>

<xsl:template match="/">
<html lang="hi">
<head>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title><xsl:value-of select="$title"/> — फ़ीड</title>
<style>
*{box-sizing:border-box}
body{margin:0;background:#fff;color:#1f2328;font-family:"Noto Sans Devanagari","Lohit Devanagari","Mangal","Nirmala UI",system-ui,sans-serif;font-size:112.5%;line-height:1.7}
.wrap{max-width:44rem;margin:0 auto;padding:1rem}
a{color:#0b4f94;text-underline-offset:.2em}
h1{font-size:1.4rem;line-height:1.4;margin:0 0 .4rem}
h2{font-size:1.15rem;line-height:1.4;margin:1.25rem 0 .6rem}
.kind{display:inline-block;margin:0 0 .4rem;padding:.1rem .7rem;border-radius:1rem;background:#12355b;color:#fff;font-size:.85rem}
.lead{color:#3d434d}
.howto{padding:.6rem 1rem;border:1px solid #b9c9de;border-radius:.5rem;background:#eef3fa}
.howto ol{padding-left:1.4rem;margin:.4rem 0}
.address{display:block;padding:.4rem .6rem;border:1px dashed #8aa3c2;border-radius:.4rem;background:#fff;font-family:monospace;font-size:.85rem;overflow-wrap:anywhere;user-select:all}
.links a{display:inline-flex;align-items:center;min-height:44px;margin-right:1rem}
.card{margin:0 0 1rem;padding:.6rem 1rem;border:1px solid #d5dae1;border-radius:.5rem}
.card h3{font-size:1.1rem;line-height:1.45;margin:0}
.card h3 a{display:block;min-height:44px;padding:.2rem 0}
.meta{color:#5b6270;font-size:.9rem;margin:0 0 .3rem}
.card p{margin:0 0 .4rem}
.empty{padding:1rem;border:1px dashed #b9c3cf;border-radius:.5rem;color:#3d434d}
</style>
</head>
<body>
<main class="wrap" id="feed-view">
<p class="kind">फ़ीड</p>
<h1><xsl:value-of select="$title"/></h1>
<p class="lead"><xsl:value-of select="$feed/description | $feed/atom:subtitle"/></p>
<section class="howto" aria-labelledby="howto-h">
<h2 id="howto-h">इस फ़ीड को कैसे पढ़ें</h2>
<p>यह पेज एक फ़ीड है। फ़ीड रीडर ऐप इसे पढ़कर नई सूचनाएँ अपने-आप आप तक पहुँचाते हैं।</p>
<ol>
<li>अपने फ़ोन में कोई फ़ीड रीडर ऐप खोलें (ऐप स्टोर में “फ़ीड रीडर” खोजें)।</li>
<li>नीचे लिखा इस फ़ीड का पता कॉपी करें।</li>
<li>ऐप में “फ़ीड जोड़ें” चुनें और पता चिपकाएँ।</li>
</ol>
<xsl:if test="$self">
<p>इस फ़ीड का पता:<br/><code class="address"><xsl:value-of select="$self"/></code></p>
</xsl:if>
<p class="links">
<xsl:if test="$site"><a href="{$site}">वेबसाइट पर पढ़ें</a></xsl:if>
<a href="__FEEDS_PAGE_URL__">सभी फ़ीड की सूची</a>
</p>
</section>
<h2>ताज़ा सूचनाएँ</h2>
<xsl:choose>
<xsl:when test="$items">
<xsl:apply-templates select="$items"/>
</xsl:when>
<xsl:otherwise>
<p class="empty">इस फ़ीड में अभी कोई सूचना नहीं है। फ़ीड जोड़ लें: पहली सूचना आते ही आपके ऐप में दिखेगी।</p>
</xsl:otherwise>
</xsl:choose>
</main>
</body>
</html>
</xsl:template>

<!-- One note (RSS item or Atom entry). -->
<xsl:template match="item | atom:entry">
<xsl:variable name="link"
    select="link | atom:link[not(@rel) or @rel='alternate']/@href"/>
<article class="card">
<h3><a href="{$link}"><xsl:value-of select="title | atom:title"/></a></h3>
<p class="meta">
<xsl:choose>
<xsl:when test="pubDate">
<xsl:call-template name="rfc822-date"><xsl:with-param name="d" select="pubDate"/></xsl:call-template>
</xsl:when>
<xsl:otherwise>
<xsl:call-template name="iso-date">
<xsl:with-param name="d"
    select="atom:published | atom:updated[not(../atom:published)]"/>
</xsl:call-template>
</xsl:otherwise>
</xsl:choose>
<xsl:if test="dc:creator | atom:author/atom:name">
<xsl:text> · रिपोर्ट: </xsl:text><xsl:value-of select="(dc:creator | atom:author/atom:name)[1]"/>
</xsl:if>
</p>
<p><xsl:value-of select="description | atom:summary"/></p>
</article>
</xsl:template>

<!-- "2026-09-14T18:30:00+05:30" (Atom) as "14 सितंबर 2026, 18:30". -->
<xsl:template name="iso-date">
<xsl:param name="d"/>
<xsl:value-of select="number(substring($d, 9, 2))"/>
<xsl:text> </xsl:text>
<xsl:call-template name="month"><xsl:with-param name="m" select="number(substring($d, 6, 2))"/></xsl:call-template>
<xsl:text> </xsl:text>
<xsl:value-of select="substring($d, 1, 4)"/>
<xsl:text>, </xsl:text>
<xsl:value-of select="substring($d, 12, 5)"/>
</xsl:template>

<!-- "Mon, 14 Sep 2026 18:30:00 +0530" (RSS) as "14 सितंबर 2026, 18:30". -->
<xsl:template name="rfc822-date">
<xsl:param name="d"/>
<xsl:variable name="months" select="'JanFebMarAprMayJunJulAugSepOctNovDec'"/>
<xsl:value-of select="number(substring($d, 6, 2))"/>
<xsl:text> </xsl:text>
<xsl:call-template name="month">
<xsl:with-param name="m" select="(string-length(substring-before($months, substring($d, 9, 3))) div 3) + 1"/>
</xsl:call-template>
<xsl:text> </xsl:text>
<xsl:value-of select="substring($d, 13, 4)"/>
<xsl:text>, </xsl:text>
<xsl:value-of select="substring($d, 18, 5)"/>
</xsl:template>

<xsl:template name="month">
<xsl:param name="m"/>
<xsl:choose>
<xsl:when test="$m = 1">जनवरी</xsl:when>
<xsl:when test="$m = 2">फ़रवरी</xsl:when>
<xsl:when test="$m = 3">मार्च</xsl:when>
<xsl:when test="$m = 4">अप्रैल</xsl:when>
<xsl:when test="$m = 5">मई</xsl:when>
<xsl:when test="$m = 6">जून</xsl:when>
<xsl:when test="$m = 7">जुलाई</xsl:when>
<xsl:when test="$m = 8">अगस्त</xsl:when>
<xsl:when test="$m = 9">सितंबर</xsl:when>
<xsl:when test="$m = 10">अक्टूबर</xsl:when>
<xsl:when test="$m = 11">नवंबर</xsl:when>
<xsl:when test="$m = 12">दिसंबर</xsl:when>
</xsl:choose>
</xsl:template>

</xsl:stylesheet>
